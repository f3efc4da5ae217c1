"""shop.test: real jQuery and Bootstrap, WordPress-style markup and headers."""

from tests.testweb.routes import Routes

routes = Routes()
