from pydantic.main import BaseModel as BaseModel
