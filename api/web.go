package api

import (
	"crypto/subtle"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v5"
)

var loginTemplate = template.Must(template.ParseFS(webFS, "web/login.html"))

// index serves the app shell to a logged-in user and sends anyone else to
// the log-in page.
func (s *Server) index(c *echo.Context) error {
	if _, ok := s.webSession(c); !ok {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	page, err := fs.ReadFile(s.web, "index.html")
	if err != nil {
		return errf("reading the page", err)
	}
	return c.HTMLBlob(http.StatusOK, page)
}

func (s *Server) webSession(c *echo.Context) (*session, bool) {
	ck, err := c.Request().Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	return s.auth.sessions.get(ck.Value, s.now())
}

// loginPage shows the log-in form. The form carries a CSRF token that must
// match a cookie set here (double submit), so another site cannot log a
// user in under its own token.
func (s *Server) loginPage(c *echo.Context) error {
	return s.renderLogin(c, http.StatusOK, "")
}

func (s *Server) renderLogin(c *echo.Context, status int, msg string) error {
	tok := randomString()
	c.SetCookie(&http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	var b strings.Builder
	if err := loginTemplate.Execute(&b, struct{ CSRF, Error string }{tok, msg}); err != nil {
		return errf("rendering the log-in page", err)
	}
	return c.HTML(status, b.String())
}

// login exchanges a token for a session cookie.
func (s *Server) login(c *echo.Context) error {
	r := c.Request()
	ck, err := r.Cookie(loginCookie)
	form := r.PostFormValue("csrf")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(form)) != 1 {
		return s.renderLogin(c, http.StatusForbidden, "The form had expired. Please try again.")
	}
	if !s.failures.allow("ip:" + c.RealIP()) {
		return s.renderLogin(c, http.StatusTooManyRequests, "Too many failed attempts from this address. Wait a minute and try again.")
	}
	id, ok := s.auth.bearer(strings.TrimSpace(r.PostFormValue("token")))
	if !ok {
		return s.renderLogin(c, http.StatusUnauthorized, "That token is not valid. Check it and try again.")
	}
	cookie, _ := s.auth.sessions.create(*id, s.now())
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: cookie, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	c.SetCookie(&http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	s.writeAudit(c, &Identity{Name: id.Name, Roles: id.Roles}, "session.login", "", "")
	return c.Redirect(http.StatusSeeOther, "/")
}

// logout ends the session; it needs the session's CSRF token, sent as the
// csrf form field or the X-CSRF-Token header.
func (s *Server) logout(c *echo.Context) error {
	r := c.Request()
	ck, err := r.Cookie(sessionCookie)
	if err == nil {
		if ss, ok := s.auth.sessions.get(ck.Value, s.now()); ok {
			tok := r.Header.Get(csrfHeader)
			if tok == "" {
				tok = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(tok), []byte(ss.csrf)) != 1 {
				return errCSRF
			}
			s.auth.sessions.remove(ck.Value)
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	return c.Redirect(http.StatusSeeOther, "/login")
}

// asset serves the page's embedded files: styles and scripts, no data.
func (s *Server) asset(c *echo.Context) error {
	name := path.Clean("assets/" + c.Param("*"))
	if !strings.HasPrefix(name, "assets/") {
		return errNotFound
	}
	data, err := fs.ReadFile(s.web, name)
	if err != nil {
		return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "no such file"}
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, ct, data)
}
