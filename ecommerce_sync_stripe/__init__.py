from . import connector, models
from .hooks import uninstall_hook
