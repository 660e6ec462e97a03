"""brief-reader's terminal face: the Textual app and the command line."""
