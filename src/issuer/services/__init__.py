"""What the issuer does, independent of HTTP and the command line: each function runs in the
transaction it is given or opens its own."""
