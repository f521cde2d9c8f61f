"""Set-up and runner of the project's two commands (tests and demo); standard library only."""
