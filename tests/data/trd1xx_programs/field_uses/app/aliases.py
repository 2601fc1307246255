from app.models import Aliased

A = Aliased
