"""The judge: trusted code that runs hidden pytest suites against a sandboxed submission."""
