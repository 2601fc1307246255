from dataclasses import dataclass
from enum import Enum


class Version(Enum):
    V1 = 1
    V2 = 2


@dataclass
class Schema:
    KEY: str = ""
    VERSION: Version = Version.V1
