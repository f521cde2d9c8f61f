"""Square's error answers, as the sandbox raises them: HTTP status, category, code, detail, field."""


class SquareError(Exception):
    """An error answer: HTTP status and Square's error fields."""

    def __init__(self, status, category, code, detail, field=None):
        super().__init__(detail)
        self.status = status
        self.category = category
        self.code = code
        self.detail = detail
        self.field = field


def bad_request(code, detail, field=None):
    return SquareError(400, "INVALID_REQUEST_ERROR", code, detail, field)


def not_found(detail):
    return SquareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", detail)
