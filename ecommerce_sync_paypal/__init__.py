from . import connector, models, wizard
from .hooks import uninstall_hook
