"""The command line's exit codes (cli, commands): 0 success, 1 content problems, 2
command-line misuse, 130 interrupted (Ctrl-C)."""

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
