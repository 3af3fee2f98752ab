/* The occupation fields' suggestions (GOV.UK accessible-autocomplete, vendored; see ../vendor/README.md).
 * Progressive enhancement: each plain text field marked data-occupation becomes an autocomplete with
 * the same id and name, so without this script (or the library) the field works as typed text. The
 * names (ours, same origin) are fetched when a field is first used, not with the page, and only
 * those a query can match: a name matches where one of its words starts, so the server hands out the
 * names by their words' initials (intake/public/occupations.py: _shards), one small list per first
 * character of a query, each fetched once. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("[data-occupation]");
  if (!fields.length || typeof window.accessibleAutocomplete !== "function" || !window.fetch) return;

  var texts = JSON.parse(fields[0].getAttribute("data-texts"));
  var url = fields[0].getAttribute("data-source");
  var loading = {};
  var latest = null;
  var LIMIT = 20;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function load(key) {
    if (!loading[key]) {
      loading[key] = fetch(url + encodeURIComponent(key) + ".json", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .catch(function () { return []; })
        .then(function (list) {
          return { names: list, folded: list.map(fold) };
        });
    }
    return loading[key];
  }

  function find(list, q) {
    var names = list.names, folded = list.folded;
    var first = [], then = [];
    for (var i = 0; i < names.length && first.length < LIMIT; i++) {
      var at = folded[i].indexOf(q);
      if (at === 0) first.push(names[i]);
      else if (at > 0 && folded[i].charAt(at - 1) === " " && then.length < LIMIT) then.push(names[i]);
    }
    return first.concat(then).slice(0, LIMIT);
  }

  function source(query, populate) {
    var q = fold(query);
    latest = query;
    if (!q) { populate([]); return; }
    load(String.fromCodePoint(q.codePointAt(0))).then(function (list) {
      if (query === latest) populate(find(list, q));  // not an older query's, arriving late
    });
  }

  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[ds]/g, function (_, name) { return values[name]; });
  }

  function keepDescribedBy(input, ours) {
    /* The library writes its own aria-describedby; the field's hint and error stay described too. */
    if (!ours) return;
    function ensure() {
      var now = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      var missing = ours.split(" ").filter(function (id) { return now.indexOf(id) < 0; });
      if (missing.length) input.setAttribute("aria-describedby", now.concat(missing).join(" "));
    }
    ensure();
    new MutationObserver(ensure).observe(input, { attributes: true, attributeFilter: ["aria-describedby"] });
  }

  Array.prototype.forEach.call(fields, function (field) {
    var plain = field.querySelector("input");
    var container = document.createElement("div");
    plain.parentNode.insertBefore(container, plain);
    var id = plain.id, name = plain.name, value = plain.value;
    var describedBy = plain.getAttribute("aria-describedby");
    var invalid = plain.getAttribute("aria-invalid");
    plain.parentNode.removeChild(plain);
    window.accessibleAutocomplete({
      element: container,
      id: id,
      name: name,
      defaultValue: value,
      source: source,
      minLength: 2,
      confirmOnBlur: false,
      showNoOptionsFound: true,
      inputClasses: "ts-input",
      templates: {
        inputValue: function (s) { return s ? String(s) : ""; },
        suggestion: function (s) { return escape(s); }
      },
      tNoResults: function () { return texts["no-results"]; },
      tStatusQueryTooShort: function (n) { return fill(texts["query-too-short"], { count: n }); },
      tStatusNoResults: function () { return texts["no-results"]; },
      tStatusSelectedOption: function (option) { return fill(texts.selected, { option: option }); },
      tStatusResults: function (n, selected) {
        return (n === 1 ? texts["one-result"] : fill(texts.results, { count: n })) + " " + (selected || "");
      },
      tAssistiveHint: function () { return texts.hint; }
    });
    var input = container.querySelector("input");
    input.setAttribute("maxlength", "200");
    if (invalid) input.setAttribute("aria-invalid", invalid);
    keepDescribedBy(input, describedBy);
  });
})();
