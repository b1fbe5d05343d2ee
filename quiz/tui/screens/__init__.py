"""One screen per module: home, drill, summary, help, confirm, prompt, message, too small."""
