/* Ta Steget's additions to Decap CMS at /redigera/: the widget for a text in Swedish and English, and
   the preview of an entry with what `tasteget check` says about it before it is saved.
   Plain script over Decap's globals (CMS, createClass, h): no build step. */
(function () {
  "use strict";

  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var LANGS = [
    { code: "sv", label: "Svenska" },
    { code: "en", label: "English" },
  ];
  var CHECK_URL = "/redigera/api/check";

  // A value Decap hands a widget is an Immutable map for a file it read, a plain object for an edit.
  function get(value, key) {
    if (!value) return undefined;
    return typeof value.get === "function" ? value.get(key) : value[key];
  }

  function plain(value) {
    return value && typeof value.toJS === "function" ? value.toJS() : value;
  }

  // A text per language, `{sv, en}` in the file. An empty language is left out (English falls back to
  // Swedish where the schema allows); both empty leave the field out altogether.
  var BilingualControl = createClass({
    text: function (lang) {
      return get(this.props.value, lang) || "";
    },

    change: function (lang, text) {
      var out = {};
      LANGS.forEach(function (l) {
        var value = l.code === lang ? text : this.text(l.code);
        if (value !== "") out[l.code] = value;
      }, this);
      this.props.onChange(Object.keys(out).length ? out : undefined);
    },

    isValid: function () {
      var field = this.props.field;
      var sv = this.text("sv").trim();
      var en = this.text("en").trim();
      if (!sv && en) {
        return { error: { message: "Skriv den svenska texten också: den engelska är en översättning av den." } };
      }
      if (sv && !en && field.get("required_en")) {
        return { error: { message: "Skriv den engelska texten också: här krävs båda språken." } };
      }
      return true;
    },

    render: function () {
      var self = this;
      var field = this.props.field;
      var multiline = field.get("multiline");
      var id = this.props.forID;
      return h(
        "div",
        { className: "ts-bilingual" + (multiline ? " ts-bilingual--multiline" : "") },
        LANGS.map(function (lang) {
          var inputId = lang.code === "sv" ? id : id + "-" + lang.code;
          var required = lang.code === "sv" ? field.get("required", true) : field.get("required_en");
          var props = {
            id: inputId,
            lang: lang.code,
            className: self.props.classNameWrapper + " ts-bilingual__input",
            value: self.text(lang.code),
            onChange: function (event) {
              self.change(lang.code, event.target.value);
            },
            onFocus: self.props.setActiveStyle,
            onBlur: self.props.setInactiveStyle,
            "aria-required": required ? "true" : undefined,
          };
          if (multiline) props.rows = 5;
          return h(
            "div",
            { key: lang.code, className: "ts-bilingual__lang" },
            h(
              "label",
              { htmlFor: inputId, lang: lang.code, className: "ts-bilingual__label" },
              lang.label,
              required ? "" : lang.code === "en" ? " (frivillig)" : ""
            ),
            h(multiline ? "textarea" : "input", multiline ? props : Object.assign({ type: "text" }, props))
          );
        }),
        field.get("markdown")
          ? h(
              "p",
              { className: "ts-bilingual__note" },
              "Markdown går bra: en tom rad mellan stycken, **fetstil**, [länktext](https://…)."
            )
          : null
      );
    },
  });

  var BilingualPreview = function (props) {
    return h(
      "div",
      { className: "ts-preview-bilingual" },
      LANGS.map(function (lang) {
        var text = get(props.value, lang.code);
        return h(
          "div",
          { key: lang.code, lang: lang.code },
          h("span", { className: "ts-preview-lang", lang: "sv" }, lang.label),
          text ? h("p", { className: "ts-preview-text" }, text) : h("p", { className: "ts-preview-missing" }, "–")
        );
      })
    );
  };

  CMS.registerWidget("bilingual", BilingualControl, BilingualPreview);

  // Decap's Swedish lacks a few words a communicator meets here (it falls back to English, e.g.
  // "Add kompetensbehov"): added to its own, which stays as it is for everything else.
  var SWEDISH = {
    auth: { loginWithForgejo: "Logga in med Forgejo" },
    collection: { collectionTop: { viewAsList: "Visa som lista", viewAsGrid: "Visa som rutnät" } },
    editor: {
      editorControl: { field: { widgetLabel: "fältet %{widgetLabel}" } },
      editorWidgets: {
        markdown: {
          strikethrough: "Genomstruken",
          toggleMode: { rich: "Byt till formaterad text", markdown: "Byt till Markdown" },
        },
        image: { chooseMultiple: "Välj bilder", addMore: "Lägg till fler bilder", removeAll: "Ta bort alla bilder" },
        file: { chooseMultiple: "Välj filer", addMore: "Lägg till fler filer", removeAll: "Ta bort alla filer" },
        datetime: { setToNow: "Sätt %{fieldLabel} till nu" },
        list: { add: "Lägg till %{item}", addType: "Lägg till %{item}" },
        object: { expand: "Visa", collapse: "Dölj" },
      },
    },
    mediaLibrary: { mediaLibraryModal: { close: "Stäng" } },
    ui: { settingsDropdown: { account: "Kontoval" } },
  };

  function merged(base, extra) {
    var out = Object.assign({}, base);
    Object.keys(extra).forEach(function (key) {
      var value = extra[key];
      out[key] = value && typeof value === "object" ? merged(base && base[key], value) : base && base[key] ? base[key] : value;
    });
    return out;
  }

  CMS.registerLocale("sv", merged(CMS.getLocale("sv") || {}, SWEDISH));

  // Markdown opens as plain text, as the file has it, unless this browser chose otherwise: the rich
  // editor rewrites Markdown it did not write (line breaks, lists) on the first change. Decap keeps
  // the choice under this key, and otherwise starts rich.
  try {
    if (!window.localStorage.getItem("cms.md-mode")) window.localStorage.setItem("cms.md-mode", "raw");
  } catch (e) {
    // no storage (a private window's settings): Decap's own default then
  }

  // A municipality's long text is a plain Markdown file, no front matter: read and written as it is.
  CMS.registerCustomFormat("markdown-body", "md", {
    fromFile: function (text) {
      return { body: text };
    },
    toFile: function (data) {
      return data.body || "";
    },
  });

  // The preview ------------------------------------------------------------------------------------

  // The file's path for the check: the entry's own, or the one a new entry would get.
  function entryPath(entry, collection) {
    if (entry.get("path")) return entry.get("path");
    var folder = collection.get("folder");
    var extension = collection.get("extension") || "yml";
    return folder + "/" + (entry.get("slug") || "ny") + "." + extension;
  }

  // The entry as its file would read: YAML (JSON is YAML), or front matter and text for Markdown.
  function entryText(data, collection) {
    if (collection.get("format") === "markdown-body") return data.body || "";
    if (collection.get("format") === "frontmatter") {
      var meta = Object.assign({}, data);
      var body = meta.body || "";
      delete meta.body;
      return "---\n" + JSON.stringify(meta, null, 2) + "\n---\n\n" + body;
    }
    return JSON.stringify(data, null, 2) + "\n";
  }

  // What `tasteget check` says about the entry, asked of the preview's local backend. Where that
  // endpoint does not answer (a git host in production), nothing is shown.
  var CheckProblems = createClass({
    getInitialState: function () {
      return { problems: null };
    },

    componentDidMount: function () {
      this.schedule();
    },

    componentDidUpdate: function (previous) {
      if (previous.text !== this.props.text || previous.path !== this.props.path) this.schedule();
    },

    componentWillUnmount: function () {
      clearTimeout(this.timer);
      this.gone = true;
    },

    schedule: function () {
      clearTimeout(this.timer);
      this.timer = setTimeout(this.ask, 400);
    },

    ask: function () {
      var self = this;
      var asked = this.props.text;
      fetch(CHECK_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ path: this.props.path, raw: asked }),
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (self.gone || asked !== self.props.text) return;
          var problems = answer && Array.isArray(answer.problems) ? answer.problems : null;
          self.setState({ problems: problems });
        })
        .catch(function () {
          if (!self.gone) self.setState({ problems: null });
        });
    },

    render: function () {
      var problems = this.state.problems;
      if (problems === null) return null;
      if (!problems.length) {
        return h("p", { className: "ts-check ts-check--ok", role: "status" }, "Kontrollen hittar inga fel.");
      }
      return h(
        "div",
        { className: "ts-check ts-check--problems", role: "alert" },
        h("h2", null, problems.length === 1 ? "Kontrollen hittar ett fel" : "Kontrollen hittar " + problems.length + " fel"),
        h(
          "ul",
          null,
          problems.map(function (problem, index) {
            return h(
              "li",
              { key: index },
              problem.field ? h("code", null, problem.field) : null,
              problem.field ? ": " : null,
              problem.message
            );
          })
        )
      );
    },
  });

  function fieldLabel(field) {
    return field.get("label") || field.get("name");
  }

  // One value as the site would show it: texts per language side by side, lists and groups nested.
  function show(field, value, getAsset, key) {
    if (value === undefined || value === null || value === "") return null;
    var widget = field.get("widget");
    var label = h("h3", { className: "ts-preview-label" }, fieldLabel(field));
    if (widget === "bilingual") {
      return h("section", { key: key }, label, h(BilingualPreview, { value: value }));
    }
    if (widget === "image") {
      var asset = getAsset(value);
      return h("figure", { key: key }, h("img", { src: asset ? asset.toString() : "", alt: "" }), h("figcaption", null, value));
    }
    if (widget === "object") {
      return h("section", { key: key, className: "ts-preview-group" }, label, showFields(field.get("fields"), value, getAsset));
    }
    if (widget === "list") {
      var items = plain(value) || [];
      if (!items.length) return null;
      var inner = field.get("fields");
      var one = field.get("field");
      return h(
        "section",
        { key: key, className: "ts-preview-group" },
        label,
        h(
          "ol",
          { className: "ts-preview-list" },
          items.map(function (item, index) {
            if (inner) return h("li", { key: index }, showFields(inner, item, getAsset));
            if (one && one.get("widget") === "select") return h("li", { key: index }, optionLabel(one, item));
            return h("li", { key: index }, String(item));
          })
        )
      );
    }
    if (widget === "select") {
      var values = plain(value);
      var shown = Array.isArray(values) ? values.map(function (v) { return optionLabel(field, v); }).join(", ") : optionLabel(field, values);
      return h("p", { key: key }, h("strong", null, fieldLabel(field) + ": "), shown);
    }
    if (widget === "boolean") {
      return h("p", { key: key }, h("strong", null, fieldLabel(field) + ": "), value ? "ja" : "nej");
    }
    if (widget === "markdown") return null; // the entry's body, rendered below the fields
    return h("p", { key: key }, h("strong", null, fieldLabel(field) + ": "), String(value));
  }

  function optionLabel(field, value) {
    var found = (field.get("options") || []).find(function (option) {
      return get(option, "value") === value;
    });
    return found ? get(found, "label") : String(value);
  }

  function showFields(fields, data, getAsset) {
    var list = fields && typeof fields.toArray === "function" ? fields.toArray() : fields || [];
    return list
      .filter(function (field) {
        return field.get("name") !== "name" && field.get("name") !== "title";
      })
      .map(function (field, index) {
        return show(field, get(data, field.get("name")), getAsset, index);
      });
  }

  function heading(data) {
    var name = get(data, "name");
    var title = get(data, "title");
    return name || get(title, "sv") || title || "";
  }

  var EntryPreview = createClass({
    // The preview is a document of its own (a frame): it is Swedish and has a title, as every page.
    componentDidMount: function () {
      var doc = this.props.document;
      if (doc && doc.documentElement) {
        doc.documentElement.lang = "sv";
        doc.title = "Förhandsgranskning";
      }
    },

    render: function () {
      var entry = this.props.entry;
      var collection = this.props.collection;
      var fields = this.props.fields;
      var data = plain(entry.get("data")) || {};
      return h(
        "article",
        { className: "ts-preview", lang: "sv" },
        h("h1", null, heading(data) || entry.get("slug") || "Ny"),
        h(CheckProblems, { path: entryPath(entry, collection), text: entryText(data, collection) }),
        showFields(fields, data, this.props.getAsset),
        // A file's Markdown text, rendered as Decap renders Markdown.
        data.body ? h("div", { className: "ts-preview-body" }, this.props.widgetFor("body")) : null
      );
    },
  });

  // The preview's stylesheet by its absolute address: the preview is a frame of its own.
  CMS.registerPreviewStyle("/assets/stylesheets/tasteget.css"); // the site's colours
  CMS.registerPreviewStyle("/redigera/preview.css");
  // The collections, as the page lists them (config.yml is Decap's to read; no inline script here).
  var listed = document.querySelector('meta[name="ts-editor-collections"]');
  (listed ? listed.content.split(" ") : []).forEach(function (name) {
    if (name) CMS.registerPreviewTemplate(name, EntryPreview);
  });
})();
