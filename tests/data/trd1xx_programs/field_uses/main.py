from app.models import FastKw, FastPlain, Slotted
from app.uses import report

if __name__ == "__main__":
    for line in report():
        print(line)
    print(f"slots: {Slotted().TIMEOUT}")
    print(f"FastKw: {FastKw().TIMEOUT}")
    print(f"FastPlain: {FastPlain().TIMEOUT}")
