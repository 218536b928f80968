package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/parcelguard/parcelguard/store"
)

// Error is the one error shape of the API:
//
//	{"error": {"code": "BAD_PARAMETER", "message": "…", "details": {…}}}
//
// Code is stable and UPPER_SNAKE; Message is a sentence that says what to
// fix; Details carries machine-readable context such as the parameter name.
// Internal details (SQL, addresses, stack traces) never reach a message:
// they are logged.
type Error struct {
	Status  int            `json:"-"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

func (e *Error) Error() string   { return e.Code + ": " + e.Message }
func (e *Error) StatusCode() int { return e.Status }

// errorBody is the JSON envelope of an Error.
type errorBody struct {
	Error *Error `json:"error"`
}

// badParam is a 400 naming the query or body parameter at fault.
func badParam(name, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "BAD_PARAMETER",
		Message: name + ": " + fmt.Sprintf(format, args...), Details: map[string]any{"parameter": name}}
}

func badRequest(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

var (
	errUnauthorized = &Error{Status: http.StatusUnauthorized, Code: "UNAUTHORIZED",
		Message: "a valid bearer token is required: send 'Authorization: Bearer <token>' or log in on the web page"}
	errForbidden = &Error{Status: http.StatusForbidden, Code: "FORBIDDEN",
		Message: "your role does not allow this; ask an administrator for a token with the right role"}
	errCSRF = &Error{Status: http.StatusForbidden, Code: "CSRF_TOKEN_INVALID",
		Message: "the form's CSRF token is missing or stale; reload the page and try again"}
	errNotFound = &Error{Status: http.StatusNotFound, Code: "NOT_FOUND",
		Message: "no such parcel, or not one your token may see"}
	errUnavailable = &Error{Status: http.StatusServiceUnavailable, Code: "STORE_UNAVAILABLE",
		Message: "the assessment store is not answering; try again shortly"}
)

// handleError writes err in the API's error shape. Errors that are not an
// *Error are logged and answered with a generic message, so nothing
// internal leaks.
func (s *Server) handleError(c *echo.Context, err error) {
	if resp, uerr := echo.UnwrapResponse(c.Response()); uerr == nil && resp.Committed {
		s.log.Warn("error after the response started", "path", c.Request().URL.Path, "err", err)
		return
	}
	var e *Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, store.ErrBadQuery):
		e = &Error{Status: http.StatusBadRequest, Code: "BAD_PARAMETER", Message: err.Error()}
	case errors.Is(err, store.ErrNotFound):
		e = errNotFound
	default:
		e = fromEcho(err)
		if e == nil {
			s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
			e = &Error{Status: http.StatusInternalServerError, Code: "INTERNAL",
				Message: "the request could not be completed; the details are in the server log"}
			if isUnavailable(err) {
				e = errUnavailable
			}
		}
	}
	if e.Status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "1")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(e.Status)
		return
	}
	if err := c.JSON(e.Status, errorBody{e}); err != nil {
		s.log.Warn("writing an error response", "err", err)
	}
}

// fromEcho maps the errors Echo and its middleware return (no route,
// wrong method, body too large) to the API's shape.
func fromEcho(err error) *Error {
	switch echo.StatusCode(err) {
	case http.StatusNotFound:
		return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "no such route; GET /openapi.yaml lists them"}
	case http.StatusMethodNotAllowed:
		return &Error{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: "this route does not take that method; GET /openapi.yaml lists the methods"}
	case http.StatusRequestEntityTooLarge:
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "BODY_TOO_LARGE", Message: "the request body is over the size limit; send fewer manifests per request"}
	case http.StatusUnsupportedMediaType:
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "UNSUPPORTED_MEDIA_TYPE", Message: "send application/json or application/x-ndjson"}
	case http.StatusTooManyRequests:
		return &Error{Status: http.StatusTooManyRequests, Code: "RATE_LIMITED", Message: "too many requests for this token; slow down and retry after a second"}
	case http.StatusBadRequest:
		return &Error{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Message: "the request is malformed"}
	case http.StatusUnauthorized:
		return errUnauthorized
	case http.StatusForbidden:
		return errForbidden
	case http.StatusServiceUnavailable:
		return errUnavailable
	}
	return nil
}
