from app.sub import Signals
from app.use import adhoc

if __name__ == "__main__":
    s = Signals(count=2)
    print(f"signals: {s.KEY!r} {s.VERSION.name} {s.count}")
    print(f"adhoc: {adhoc('x').KEY!r}")
