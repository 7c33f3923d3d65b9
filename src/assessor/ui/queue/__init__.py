"""A queue screen: rows paged in from a query, sorted and searched by the database."""
