/* jwtauth administration: Django admin's user pages over the admin API.
 *
 * One static page; the view is chosen by the URL's fragment:
 *   #/users[?q=TEXT&is_admin=1|0&o=FIELD|-FIELD&p=N]   the list
 *   #/users/add                                          the add form
 *   #/users/ID                                           the change form
 *   #/users/ID/password                                  the set password form
 *   #/users/ID/delete                                    the delete confirmation
 * The tokens live in this closure only (never in storage or cookies): reloading
 * the page or logging out forgets them.  The access token is refreshed with the
 * refresh token shortly before it expires, and once more when the API answers 401.
 * Everything the API returns is put in the page as text (textContent), never as HTML.
 */
'use strict';

(function () {
  var P_LOGIN = '/api/user/login/';
  var P_REFRESH = '/api/user/token/refresh/';
  var P_USERS = '/api/admin/users/';
  var PAGE_SIZE = 100;
  var SITE = 'jwtauth administration';
  var NOT_ADMIN = 'You are authenticated as %s, but are not authorized to access this page. ' +
    'Would you like to log in to a different account?';

  var session = null;     /* {access, refresh, email} while logged in */
  var refreshing = null;  /* the refresh in flight, shared by concurrent calls */
  var flashes = [];       /* messages for the next view: {text, error} */
  var generation = 0;     /* bumped per view: late answers for an old view are dropped */

  /* ------------------------------------------------------------ DOM helpers */

  function $(id) { return document.getElementById(id); }

  /* el('a', {href: '#/users', class: 'x'}, 'text', child, [more]) */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var k, v, i;
    attrs = attrs || {};
    for (k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
      v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
      else if (k === 'text') node.textContent = v;
      else if (k === 'checked' || k === 'value') node[k] = v;
      else node.setAttribute(k, v === true ? '' : v);
    }
    function add(c) {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) { c.forEach(add); return; }
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    for (i = 2; i < arguments.length; i++) add(arguments[i]);
    return node;
  }

  function quoted(s) { return '\u201c' + s + '\u201d'; }

  function yesNo(b) {
    return el('span', {class: b ? 'bool-yes' : 'bool-no'}, b ? 'Yes' : 'No');
  }

  function when(iso) {
    if (!iso) return '\u2014';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  function flash(text, error) { flashes.push({text: text, error: !!error}); }

  /* ------------------------------------------------------------ tokens */

  function expiry(token) {
    try {
      var p = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(p + '==='.slice((p.length + 3) % 4))).exp || 0;
    } catch (e) {
      return 0;
    }
  }

  function refreshAccess() {
    if (!session) return Promise.resolve(false);
    if (refreshing) return refreshing;
    var s = session;
    refreshing = send('POST', P_REFRESH, {refresh: s.refresh}, null).then(function (r) {
      refreshing = null;
      if (r.status !== 200 || !r.json || !r.json.access || session !== s) return false;
      s.access = r.json.access;
      if (r.json.refresh) s.refresh = r.json.refresh;
      return true;
    }, function () {
      refreshing = null;
      return false;
    });
    return refreshing;
  }

  /* ------------------------------------------------------------ HTTP */

  function SessionEnded(message) { this.message = message; }

  function send(method, path, body, token) {
    var init = {method: method, headers: {'Accept': 'application/json'}, credentials: 'omit',
                cache: 'no-store', redirect: 'error'};
    if (token) init.headers['Authorization'] = 'Bearer ' + token;
    if (body !== undefined && body !== null) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return {status: r.status, json: json};
      });
    });
  }

  /* An admin API call with the session's token: refreshed first when it is about to
     expire, and once more on a 401.  A 401 after that, or a 403, ends the session. */
  function api(method, path, body) {
    var s = session;
    if (!s) return Promise.reject(new SessionEnded('Please log in.'));
    var soon = expiry(s.access) - Date.now() / 1000 < 20;
    return (soon ? refreshAccess() : Promise.resolve(true)).then(function () {
      return send(method, path, body, s.access);
    }).then(function (r) {
      if (r.status !== 401) return r;
      return refreshAccess().then(function (ok) {
        return ok ? send(method, path, body, s.access) : r;
      });
    }).then(function (r) {
      if (session !== s) throw new SessionEnded(null);
      if (r.status === 401) {
        session = null;
        throw new SessionEnded('Your session has expired. Please log in again.');
      }
      if (r.status === 403) {
        session = null;
        throw new SessionEnded(NOT_ADMIN.replace('%s', s.email));
      }
      return r;
    });
  }

  /* The messages of an error body ({"errors": {...}} or DRF's bare shape) by field. */
  function fieldErrors(json) {
    var errs = (json && (json.errors || json)) || {};
    var out = {};
    if (typeof errs !== 'object' || Array.isArray(errs)) errs = {non_field_errors: errs};
    Object.keys(errs).forEach(function (k) {
      var v = errs[k];
      if (k === 'code' || k === 'messages') return;
      if (k === 'detail') k = 'non_field_errors';
      if (!Array.isArray(v)) v = [v];
      out[k] = (out[k] || []).concat(v.map(function (m) {
        return typeof m === 'string' ? m : JSON.stringify(m);
      }));
    });
    return out;
  }

  function failure(err) {
    if (err instanceof SessionEnded) {
      if (err.message) flash(err.message, true);
      loginView();
      return;
    }
    flash('The server could not be reached (' + (err && err.message ? err.message : err) +
          '). Try again.', true);
    showFlashes();
  }

  /* ------------------------------------------------------------ page frame */

  /* The view: title, breadcrumbs ([text, href|null]...), content, what gets the focus
     (the h1 by default).  A loading view keeps the pending messages for the next. */
  function frame(title, crumbs, nodes, focus, loading) {
    document.title = title + ' | ' + SITE;
    document.body.classList.toggle('login', !session);
    $('user-tools').hidden = !session;
    $('who').textContent = session ? session.email : '';
    var bc = $('breadcrumbs');
    bc.textContent = '';
    bc.hidden = !crumbs;
    (crumbs || []).forEach(function (c, i) {
      if (i) bc.appendChild(el('span', {class: 'sep', 'aria-hidden': 'true'}, '\u203a'));
      bc.appendChild(c[1] ? el('a', {href: c[1]}, c[0]) : el('span', {'aria-current': 'page'}, c[0]));
    });
    var main = $('content');
    main.textContent = '';
    main.appendChild(el('div', null, nodes));
    if (loading) $('messages').textContent = '';
    else showFlashes();
    var target = focus || main.querySelector('h1');
    if (target) {
      if (!target.hasAttribute('tabindex') && !/^(INPUT|BUTTON|A|SELECT|TEXTAREA)$/.test(target.tagName))
        target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }

  function showFlashes() {
    var box = $('messages');
    box.textContent = '';
    flashes.forEach(function (m) {
      box.appendChild(el('p', {class: m.error ? 'error' : 'success'}, m.text));
    });
    flashes = [];
  }

  function crumbsFor(extra) {
    return [['Home', '#/users'], ['Accounts', '#/users'], ['Users', extra.length ? '#/users' : null]]
      .concat(extra);
  }

  /* ------------------------------------------------------------ forms */

  var FIELD_LABELS = {email: 'Email', name: 'Name', tc: 'Tc', is_admin: 'Is admin',
                      is_active: 'Is active', password: 'Password', password2: 'Password confirmation'};

  /* One row: label, errors (filled by showErrors), input, help. */
  function row(name, opts) {
    var id = 'id_' + name;
    var input;
    if (opts.type === 'checkbox') {
      input = el('input', {type: 'checkbox', id: id, name: name, checked: !!opts.value,
                           'aria-describedby': opts.help ? id + '_help' : null});
    } else {
      input = el('input', {type: opts.type || 'text', id: id, name: name, value: opts.value || '',
                           autocomplete: opts.autocomplete || 'off', maxlength: opts.maxlength || null,
                           inputmode: opts.inputmode || null, spellcheck: opts.type === 'password' ? null : 'false',
                           'aria-required': opts.required ? 'true' : null,
                           'aria-describedby': opts.help ? id + '_help' : null});
    }
    var label = el('label', {for: id, class: opts.required ? 'required' : null}, opts.label || FIELD_LABELS[name]);
    var errs = el('ul', {class: 'errorlist', id: id + '_errors', hidden: true});
    var help = opts.help ? el('p', {class: 'help', id: id + '_help'}, opts.help) : null;
    var field = opts.type === 'checkbox' ? el('div', {class: 'field'}, errs, input, label, help)
                                         : el('div', {class: 'field'}, errs, input, help);
    var r = el('div', {class: 'form-row field-' + name + (opts.type === 'checkbox' ? ' checkbox' : '')},
               opts.type === 'checkbox' ? null : label, field);
    r.dataset.field = name;
    return r;
  }

  function readonlyRow(label, content) {
    return el('div', {class: 'form-row'}, el('span', {class: 'label'}, label),
              el('div', {class: 'field readonly'}, content));
  }

  function fieldset(legend, rows) {
    return el('fieldset', {class: 'module'}, legend ? el('legend', {}, el('h2', {}, legend)) : null, rows);
  }

  function values(form, names) {
    var out = {};
    names.forEach(function (n) {
      var input = form.elements[n];
      out[n] = input.type === 'checkbox' ? input.checked : input.value;
    });
    return out;
  }

  function clearErrors(form) {
    var note = form.querySelector('.errornote');
    if (note) note.remove();
    Array.prototype.forEach.call(form.querySelectorAll('.form-row'), function (r) {
      r.classList.remove('errors');
      var ul = r.querySelector('ul.errorlist');
      if (ul) { ul.textContent = ''; ul.hidden = true; }
      var input = r.querySelector('input');
      if (input) {
        input.removeAttribute('aria-invalid');
        var help = $(input.id + '_help');
        if (help) input.setAttribute('aria-describedby', help.id);
        else input.removeAttribute('aria-describedby');
      }
    });
  }

  /* The 400 body's messages next to their fields; the others in a note at the top.
     Focus goes to the first field in error, or to the note. */
  function showErrors(form, json) {
    clearErrors(form);
    var errs = fieldErrors(json);
    var general = [];
    var first = null;
    var count = 0;
    Object.keys(errs).forEach(function (k) {
      var r = form.querySelector('.form-row[data-field="' + k + '"]');
      if (!r) {
        errs[k].forEach(function (m) {
          general.push(k === 'non_field_errors' ? m : (FIELD_LABELS[k] || k) + ': ' + m);
        });
        return;
      }
      count++;
      r.classList.add('errors');
      var ul = r.querySelector('ul.errorlist');
      errs[k].forEach(function (m) { ul.appendChild(el('li', {}, m)); });
      ul.hidden = false;
      var input = r.querySelector('input');
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', (ul.id + ' ' + (input.getAttribute('aria-describedby') || '')).trim());
      if (!first) first = input;
    });
    var note = el('div', {class: 'errornote', tabindex: '-1', role: 'alert'},
                  el('p', {}, count + general.length > 1 ? 'Please correct the errors below.'
                                                         : 'Please correct the error below.'),
                  general.length ? el('ul', {class: 'errorlist nonfield'},
                                      general.map(function (m) { return el('li', {}, m); })) : null);
    form.insertBefore(note, form.firstChild);
    (first || note).focus();
  }

  function busy(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = on; });
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  /* ------------------------------------------------------------ log in / out */

  function loginView() {
    session = null;
    generation++;
    var form = el('form', {id: 'login-form', novalidate: true, onsubmit: submitLogin},
      row('email', {label: 'Email', required: true, autocomplete: 'username', inputmode: 'email'}),
      row('password', {label: 'Password', type: 'password', required: true, autocomplete: 'current-password'}),
      el('div', {class: 'submit-row'}, el('button', {type: 'submit', class: 'default'}, 'Log in')));
    frame('Log in', null, [el('h1', {}, 'Log in'), form], form.elements.email);
  }

  function submitLogin(ev) {
    ev.preventDefault();
    var form = ev.target;
    var v = values(form, ['email', 'password']);
    busy(form, true);
    send('POST', P_LOGIN, v, null).then(function (r) {
      if (r.status !== 200) {
        busy(form, false);
        showErrors(form, r.json || {errors: {non_field_errors: ['Login failed (' + r.status + ').']}});
        return null;
      }
      var tok = (r.json && r.json.token) || r.json || {};
      session = {access: tok.access, refresh: tok.refresh, email: v.email};
      /* Only admins may use the admin API: ask it. */
      return api('GET', P_USERS + '?page=1').then(function (probe) {
        busy(form, false);
        if (probe.status !== 200) {
          session = null;
          showErrors(form, {errors: {non_field_errors: ['Unexpected answer from the admin API (' + probe.status + ').']}});
          return;
        }
        if (!/^#\/users/.test(location.hash)) location.hash = '#/users';
        route();
      });
    }).catch(function (err) {
      busy(form, false);
      failure(err);
    });
  }

  function logout() {
    session = null;
    refreshing = null;
    flash('You have been logged out.');
    loginView();
  }

  /* ------------------------------------------------------------ the list */

  function parseQuery(qs) {
    var out = {};
    new URLSearchParams(qs || '').forEach(function (v, k) { out[k] = v; });
    return out;
  }

  function listHash(q) {
    var p = new URLSearchParams();
    ['q', 'is_admin', 'o', 'p'].forEach(function (k) {
      if (q[k] !== undefined && q[k] !== '' && q[k] !== null) p.set(k, q[k]);
    });
    var s = p.toString();
    return '#/users' + (s ? '?' + s : '');
  }

  function with_(q, changes) {
    var out = {};
    Object.keys(q).forEach(function (k) { out[k] = q[k]; });
    Object.keys(changes).forEach(function (k) { out[k] = changes[k]; });
    return out;
  }

  var COLUMNS = [
    {key: 'email', label: 'Email', order: 'email'},
    {key: 'name', label: 'Name', order: 'name'},
    {key: 'tc', label: 'Tc', order: null},
    {key: 'is_admin', label: 'Is admin', order: null}
  ];

  function listView(qs) {
    var gen = ++generation;
    var q = parseQuery(qs);
    var page = Math.max(1, parseInt(q.p, 10) || 1);
    var params = new URLSearchParams();
    if (q.q) params.set('search', q.q);
    if (q.is_admin === '1' || q.is_admin === '0') params.set('is_admin', q.is_admin === '1' ? 'true' : 'false');
    params.set('ordering', q.o || 'email');
    params.set('page', String(page));
    frame('Select user to change', crumbsFor([]), [el('h1', {}, 'Select user to change'),
                                                   el('p', {class: 'loading'}, 'Loading\u2026')], null, true);
    api('GET', P_USERS + '?' + params.toString()).then(function (r) {
      if (gen !== generation) return;
      if (r.status === 404 && page > 1) {
        go(listHash(with_(q, {p: ''})));
        return;
      }
      if (r.status !== 200 || !r.json) {
        flash(errorText(r, 'The list could not be loaded'), true);
        frame('Select user to change', crumbsFor([]), [el('h1', {}, 'Select user to change')]);
        return;
      }
      renderList(q, page, r.json);
    }).catch(failure);
  }

  function errorText(r, what) {
    var errs = fieldErrors(r.json);
    var msgs = [];
    Object.keys(errs).forEach(function (k) { msgs = msgs.concat(errs[k]); });
    return what + ' (' + r.status + (msgs.length ? ': ' + msgs.join(' ') : '') + ').';
  }

  function renderList(q, page, data) {
    var count = data.count || 0;
    var pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
    var order = q.o || 'email';

    var search = el('form', {id: 'changelist-search', role: 'search', novalidate: true, onsubmit: function (ev) {
      ev.preventDefault();
      go(listHash(with_(q, {q: ev.target.elements.q.value, p: ''})));
    }}, el('div', {id: 'toolbar'},
      el('label', {for: 'searchbar'}, 'Search by email'),
      el('input', {type: 'search', id: 'searchbar', name: 'q', value: q.q || '', autocomplete: 'off'}),
      el('button', {type: 'submit'}, 'Search'),
      q.q || q.is_admin ? el('span', {class: 'small quiet'}, count + (count === 1 ? ' result ' : ' results '),
                             el('a', {href: '#/users'}, 'Show all')) : null));

    var head = el('tr', {}, COLUMNS.map(function (c) {
      if (!c.order) return el('th', {scope: 'col', class: 'column-' + c.key}, c.label);
      var sorted = order === c.order ? 'ascending' : order === '-' + c.order ? 'descending' : null;
      var next = sorted === 'ascending' ? '-' + c.order : c.order;
      return el('th', {scope: 'col', class: 'column-' + c.key + ' sortable' + (sorted ? ' sorted' : ''),
                       'aria-sort': sorted},
        el('a', {href: listHash(with_(q, {o: next, p: ''})), id: 'sort-' + c.key,
                 title: 'Sort by ' + c.label + (sorted === 'ascending' ? ' (descending)' : '')},
           c.label, sorted ? el('span', {class: 'dir', 'aria-hidden': 'true'},
                                sorted === 'ascending' ? '\u25b2' : '\u25bc') : null));
    }));
    var rows = (data.results || []).map(function (u) {
      return el('tr', {'data-id': String(u.id)},
        el('th', {scope: 'row', class: 'field-email'}, el('a', {href: '#/users/' + u.id}, u.email)),
        el('td', {class: 'field-name'}, u.name),
        el('td', {class: 'field-tc'}, yesNo(u.tc)),
        el('td', {class: 'field-is_admin'}, yesNo(u.is_admin)));
    });
    var table = el('table', {id: 'result_list'},
      el('caption', {class: 'skip-caption', hidden: true}, 'Users'),
      el('thead', {}, head), el('tbody', {}, rows));

    var pager = el('p', {class: 'paginator'});
    if (pages > 1) {
      pageNumbers(page, pages).forEach(function (n) {
        if (n === null) pager.appendChild(el('span', {}, '\u2026 '));
        else if (n === page) pager.appendChild(el('span', {class: 'this-page', 'aria-current': 'page'}, String(n)));
        else pager.appendChild(el('a', {href: listHash(with_(q, {p: String(n)})),
                                        'aria-label': 'Page ' + n}, String(n)));
        pager.appendChild(document.createTextNode(' '));
      });
    }
    pager.appendChild(el('span', {class: 'count', id: 'result-count'}, count + (count === 1 ? ' user' : ' users')));

    var filter = el('nav', {id: 'changelist-filter', 'aria-labelledby': 'filter-title'},
      el('h2', {id: 'filter-title'}, 'Filter'),
      el('h3', {id: 'filter-is-admin'}, 'By is admin'),
      el('ul', {'aria-labelledby': 'filter-is-admin'}, [['', 'All'], ['1', 'Yes'], ['0', 'No']].map(function (f) {
        var on = (q.is_admin || '') === f[0];
        return el('li', {class: on ? 'selected' : null},
                  el('a', {href: listHash(with_(q, {is_admin: f[0], p: ''})), 'aria-current': on ? 'true' : null,
                           id: 'filter-is_admin-' + (f[0] || 'all')}, f[1]));
      })));

    frame('Select user to change', crumbsFor([]), [
      el('h1', {}, 'Select user to change'),
      el('ul', {class: 'object-tools'}, el('li', {}, el('a', {href: '#/users/add', class: 'addlink'}, 'Add user +'))),
      el('div', {id: 'changelist'},
         el('div', {class: 'results'}, search, table, pager), filter)
    ]);
  }

  /* Django's paginator: the ends and the pages around the current one. */
  function pageNumbers(page, pages) {
    var out = [];
    var last = 0;
    for (var n = 1; n <= pages; n++) {
      if (n <= 2 || n > pages - 2 || Math.abs(n - page) <= 3) {
        if (last && n !== last + 1) out.push(null);
        out.push(n);
        last = n;
      }
    }
    return out;
  }

  /* ------------------------------------------------------------ add */

  function addView() {
    generation++;
    var form = el('form', {id: 'user_form', novalidate: true, onsubmit: submitAdd},
      fieldset(null, [
        row('email', {required: true, inputmode: 'email', maxlength: 255}),
        row('name', {required: true, maxlength: 200}),
        row('tc', {type: 'checkbox'}),
        row('password', {type: 'password', required: true, autocomplete: 'new-password'}),
        row('password2', {type: 'password', required: true, autocomplete: 'new-password',
                          help: 'Enter the same password as before, for verification.'})
      ]),
      el('div', {class: 'submit-row'},
        el('button', {type: 'submit', name: '_addanother', value: '1'}, 'Save and add another'),
        el('button', {type: 'submit', name: '_continue', value: '1'}, 'Save and continue editing'),
        el('button', {type: 'submit', name: '_save', value: '1', class: 'default'}, 'Save')));
    frame('Add user', crumbsFor([['Add user', null]]), [
      el('h1', {}, 'Add user'),
      el('p', {}, 'First, enter an email and password. Then, you\u2019ll be able to edit more user options.'),
      form]);
  }

  function submitAdd(ev) {
    ev.preventDefault();
    var form = ev.target;
    var which = ev.submitter ? ev.submitter.name : '_save';
    var body = values(form, ['email', 'name', 'tc', 'password', 'password2']);
    body.is_admin = false;
    busy(form, true);
    api('POST', P_USERS, body).then(function (r) {
      busy(form, false);
      if (r.status === 201 && r.json) {
        if (which === '_addanother') {
          flash('The user ' + quoted(r.json.email) + ' was added successfully. You may add another user below.');
          addView();
        } else {
          flash('The user ' + quoted(r.json.email) + ' was added successfully. You may edit it again below.');
          go('#/users/' + r.json.id);
        }
      } else if (r.status === 400) {
        showErrors(form, r.json);
      } else {
        showErrors(form, {errors: {non_field_errors: [errorText(r, 'The user was not added')]}});
      }
    }).catch(function (err) { busy(form, false); failure(err); });
  }

  /* ------------------------------------------------------------ change */

  /* GET the user, then render(user); a 404 goes back to the list with Django's message. */
  function withUser(id, render) {
    var gen = ++generation;
    frame('Change user', crumbsFor([['\u2026', null]]), [el('h1', {}, 'Change user'),
                                                        el('p', {class: 'loading'}, 'Loading\u2026')], null, true);
    api('GET', P_USERS + id + '/').then(function (r) {
      if (gen !== generation) return;
      if (r.status === 404) {
        flash('User with ID ' + quoted(id) + ' doesn\u2019t exist. Perhaps it was deleted?', true);
        go('#/users');
      } else if (r.status !== 200 || !r.json) {
        flash(errorText(r, 'The user could not be loaded'), true);
        go('#/users');
      } else {
        render(r.json);
      }
    }).catch(failure);
  }

  function changeView(id) {
    withUser(id, function (u) {
      var form = el('form', {id: 'user_form', novalidate: true, onsubmit: function (ev) { submitChange(ev, u); }},
        fieldset(null, [
          row('email', {required: true, inputmode: 'email', maxlength: 255, value: u.email}),
          readonlyRow('Password', [
            'Raw passwords are not stored, so there is no way to see the user\u2019s password, but you can change the password using ',
            el('a', {href: '#/users/' + u.id + '/password', id: 'password-link'}, 'this form'), '.'])
        ]),
        fieldset('Personal info', [
          row('name', {required: true, maxlength: 200, value: u.name}),
          row('tc', {type: 'checkbox', value: u.tc})
        ]),
        fieldset('Permissions', [
          row('is_active', {type: 'checkbox', value: u.is_active,
                            help: 'Designates whether this user should be treated as active. ' +
                                  'Unselect this instead of deleting accounts.'}),
          row('is_admin', {type: 'checkbox', value: u.is_admin,
                           help: 'Designates that this user can log into this admin site and manage users.'})
        ]),
        fieldset('Important dates', [
          readonlyRow('Last login', when(u.last_login)),
          readonlyRow('Created at', when(u.created_at)),
          readonlyRow('Updated at', when(u.updated_at))
        ]),
        el('div', {class: 'submit-row'},
          el('p', {class: 'deletelink-box'},
             el('a', {href: '#/users/' + u.id + '/delete', class: 'deletelink', id: 'delete-link'}, 'Delete')),
          el('button', {type: 'submit', name: '_continue', value: '1'}, 'Save and continue editing'),
          el('button', {type: 'submit', name: '_save', value: '1', class: 'default'}, 'Save')));
      frame(u.email + ' | Change user', crumbsFor([[u.email, null]]), [
        el('h1', {}, 'Change user'), el('h2', {class: 'subtitle'}, u.email), form]);
    });
  }

  function submitChange(ev, u) {
    ev.preventDefault();
    var form = ev.target;
    var which = ev.submitter ? ev.submitter.name : '_save';
    var body = values(form, ['email', 'name', 'tc', 'is_active', 'is_admin']);
    busy(form, true);
    api('PATCH', P_USERS + u.id + '/', body).then(function (r) {
      busy(form, false);
      if (r.status === 200 && r.json) {
        flash('The user ' + quoted(r.json.email) + ' was changed successfully.' +
              (which === '_continue' ? ' You may edit it again below.' : ''));
        go(which === '_continue' ? '#/users/' + u.id : '#/users');
      } else if (r.status === 400) {
        showErrors(form, r.json);
      } else if (r.status === 404) {
        flash('User with ID ' + quoted(String(u.id)) + ' doesn\u2019t exist. Perhaps it was deleted?', true);
        go('#/users');
      } else {
        showErrors(form, {errors: {non_field_errors: [errorText(r, 'The user was not changed')]}});
      }
    }).catch(function (err) { busy(form, false); failure(err); });
  }

  /* ------------------------------------------------------------ set password */

  function passwordView(id) {
    withUser(id, function (u) {
      var form = el('form', {id: 'password_form', novalidate: true, onsubmit: function (ev) { submitPassword(ev, u); }},
        el('p', {}, 'Enter a new password for the user ', el('strong', {}, u.email), '.'),
        fieldset(null, [
          row('password', {type: 'password', required: true, autocomplete: 'new-password'}),
          row('password2', {type: 'password', required: true, autocomplete: 'new-password',
                            label: 'Password (again)',
                            help: 'Enter the same password as before, for verification.'})
        ]),
        el('div', {class: 'submit-row'}, el('button', {type: 'submit', class: 'default'}, 'Change password')));
      frame('Change password: ' + u.email, crumbsFor([[u.email, '#/users/' + u.id], ['Change password', null]]),
            [el('h1', {}, 'Change password: ' + u.email), form], form.elements.password);
    });
  }

  function submitPassword(ev, u) {
    ev.preventDefault();
    var form = ev.target;
    busy(form, true);
    api('POST', P_USERS + u.id + '/password/', values(form, ['password', 'password2'])).then(function (r) {
      busy(form, false);
      if (r.status === 200) {
        flash('Password changed successfully.');
        go('#/users/' + u.id);
      } else if (r.status === 400) {
        showErrors(form, r.json);
      } else {
        showErrors(form, {errors: {non_field_errors: [errorText(r, 'The password was not changed')]}});
      }
    }).catch(function (err) { busy(form, false); failure(err); });
  }

  /* ------------------------------------------------------------ delete */

  function deleteView(id) {
    withUser(id, function (u) {
      var form = el('form', {id: 'delete_form', novalidate: true, onsubmit: function (ev) { submitDelete(ev, u); }},
        el('div', {class: 'submit-row'},
          el('button', {type: 'submit', class: 'deletelink', id: 'confirm-delete'}, 'Yes, I\u2019m sure'),
          el('a', {href: '#/users/' + u.id, class: 'button cancel-link'}, 'No, take me back')));
      frame('Are you sure?', crumbsFor([[u.email, '#/users/' + u.id], ['Delete', null]]), [
        el('h1', {}, 'Are you sure?'),
        el('div', {class: 'delete-confirmation'},
          el('p', {}, 'Are you sure you want to delete the user ' + quoted(u.email) +
                      '? All of the following related items will be deleted:'),
          el('h2', {}, 'Summary'),
          el('ul', {}, el('li', {}, 'Users: 1')),
          el('h2', {}, 'Objects'),
          el('ul', {id: 'deleted-objects'}, el('li', {}, 'User: ', el('a', {href: '#/users/' + u.id}, u.email))),
          form)]);
    });
  }

  function submitDelete(ev, u) {
    ev.preventDefault();
    var form = ev.target;
    busy(form, true);
    api('DELETE', P_USERS + u.id + '/').then(function (r) {
      busy(form, false);
      if (r.status === 204 || r.status === 200) {
        flash('The user ' + quoted(u.email) + ' was deleted successfully.');
        go('#/users');
      } else if (r.status === 404) {
        flash('User with ID ' + quoted(String(u.id)) + ' doesn\u2019t exist. Perhaps it was deleted?', true);
        go('#/users');
      } else {
        showErrors(form, r.json && r.status === 400 ? r.json
                   : {errors: {non_field_errors: [errorText(r, 'The user was not deleted')]}});
      }
    }).catch(function (err) { busy(form, false); failure(err); });
  }

  /* ------------------------------------------------------------ routing */

  function notFound() {
    generation++;
    frame('Page not found', crumbsFor([['Not found', null]]), [
      el('h1', {}, 'Page not found'),
      el('p', {}, 'We\u2019re sorry, but the requested page could not be found. '),
      el('p', {}, el('a', {href: '#/users'}, 'Back to the users'))]);
  }

  function route() {
    if (!session) { loginView(); return; }
    var h = location.hash.replace(/^#/, '');
    var qpos = h.indexOf('?');
    var path = qpos < 0 ? h : h.slice(0, qpos);
    var qs = qpos < 0 ? '' : h.slice(qpos + 1);
    var m;
    if (path === '' || path === '/') go('#/users');
    else if (path === '/users' || path === '/users/') listView(qs);
    else if (path === '/users/add') addView();
    else if ((m = /^\/users\/(\d+)\/?$/.exec(path))) changeView(m[1]);
    else if ((m = /^\/users\/(\d+)\/password\/?$/.exec(path))) passwordView(m[1]);
    else if ((m = /^\/users\/(\d+)\/delete\/?$/.exec(path))) deleteView(m[1]);
    else notFound();
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('logout').addEventListener('click', logout);
    /* The skip link must not change the fragment (that is the route). */
    document.querySelector('a.skip').addEventListener('click', function (ev) {
      ev.preventDefault();
      $('content').focus();
    });
    window.addEventListener('hashchange', route);
    route();
  });
}());
