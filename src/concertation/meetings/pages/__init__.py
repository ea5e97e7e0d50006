"""What the meetings' pages show, read in a bounded number of queries: one function per page (or
fragment) that returns its template context. Views parse the request, check the permission, call a
service or one of these, and render."""
