"""What every request and response passes through.

errors     what a request that goes wrong is answered (400, 404, 500, 503 in the site's look and
           the page's language); control characters refused; the app class that logs errors
headers    security headers on every response (the build's Content-Security-Policy)
compression  the intake's own pages compressed where that gives no secret away (BREACH)
redaction  what an access log may say of a request: no token, reference or search
"""
