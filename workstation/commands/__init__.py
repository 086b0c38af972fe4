"""CLI sub-commands, one module per area. Each module has `register(subparsers)`.

A command parses arguments into a use case's request (app/; its options are generated from the
request's fields), calls the use case, and prints the result. The window builds the same requests
and calls the same use cases; it never imports these modules.
"""
