from . import connector
from .hooks import uninstall_hook
