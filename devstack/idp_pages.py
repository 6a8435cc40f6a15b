"""HTML pages of the development identity provider (plain, no external assets)."""

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto;
        padding: 0 1rem; }}
 label {{ display: block; margin-top: 1rem; font-weight: 600; }}
 input {{ width: 100%; padding: .5rem; box-sizing: border-box; font-size: 1rem; }}
 button {{ margin-top: 1.5rem; padding: .6rem 1.2rem; font-size: 1rem; }}
 .note {{ color: #555; font-size: .9rem; }} .error {{ color: #b00020; }}
</style></head><body>
"""

AUTHORIZE_PAGE = _HEAD.format(title="Sign in – GAS development identity provider") + """
<h1>Sign in</h1>
<p class="note">GAS development identity provider: any e-mail address signs in; no password.</p>
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="">
  {% for key in ("client_id", "redirect_uri", "scope", "state", "response_type", "access_type") %}
    {% if params.get(key) %}
      <input type="hidden" name="{{ key }}" value="{{ params.get(key) }}">
    {% endif %}
  {% endfor %}
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" value="{{ email }}" required autofocus
         autocomplete="email">
  <label for="name">Name (optional)</label>
  <input id="name" name="name" type="text" autocomplete="name">
  <label for="institution">Institution (optional)</label>
  <input id="institution" name="institution" type="text" autocomplete="organization">
  <button type="submit">Sign in</button>
</form>
</body></html>
"""

ERROR_PAGE = _HEAD.format(title="Sign-in error – GAS development identity provider") + """
<h1>Cannot sign in</h1>
<p class="error" role="alert">{{ problem }}</p>
</body></html>
"""

LOGOUT_PAGE = _HEAD.format(title="Signed out – GAS development identity provider") + """
<h1>You are signed out</h1>
<p>You have signed out of the GAS development identity provider.</p>
{% if target %}<p><a href="{{ target }}">Return to {{ target_name }}</a></p>{% endif %}
</body></html>
"""
