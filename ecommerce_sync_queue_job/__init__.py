from . import models
from .jobrunner import post_load
