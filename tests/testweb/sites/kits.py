"""kit-a.test and kit-b.test: one phishing kit deployed twice with different text."""

from tests.testweb.routes import Routes

routes = Routes()
