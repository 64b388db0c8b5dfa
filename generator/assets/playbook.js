/* Crisis playbook: the incident tools of the offline site.
 *
 * Plain JavaScript, no libraries, nothing fetched: it works from file:// with no network.
 * The playbook's data comes from assets/playbook/data.js (window.PLAYBOOK_DATA), generated at build.
 * Everything the team enters is kept in this browser's localStorage, under a key that includes
 * the playbook's version, so a new version never shows old ticks against changed items.
 */
(function () {
  "use strict";

  var DATA = window.PLAYBOOK_DATA;
  if (!DATA) { return; }
  var MINUTE = 60000, DAY = 86400000;

  /* ---------- Time arithmetic: the same rules as generator/deadlines.py ---------- */

  /* Maps keyed by names from the playbook or the team have no prototype: a fact, item or zone named
     "constructor" or "__proto__" is a key like any other, never a built-in of Object. */
  function map(from) {
    var out = Object.create(null);
    Object.keys(from || {}).forEach(function (key) { out[key] = from[key]; });
    return out;
  }

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
  }

  var formatters = map();
  function fields(ms, zone) {
    var format = formatters[zone] || (formatters[zone] = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }));
    var out = {};
    format.formatToParts(new Date(ms)).forEach(function (part) { out[part.type] = part.value; });
    return { y: +out.year, m: +out.month, d: +out.day, h: +out.hour % 24, mi: +out.minute, s: +out.second };
  }
  function asUTC(f) { return Date.UTC(f.y, f.m - 1, f.d, f.h, f.mi, f.s || 0); }
  function offset(ms, zone) { return asUTC(fields(ms, zone)) - Math.floor(ms / 1000) * 1000; }

  /* The instant of a wall-clock time in a zone. An ambiguous time (clocks going back) is the
     earlier one; a time in the gap (clocks going forward) takes the offset before the change,
     which moves it forward: both as Python's zoneinfo does with fold=0. */
  function instant(f, zone) {
    var wall = asUTC(f);
    var before = offset(wall - DAY / 2, zone), after = offset(wall + DAY / 2, zone);
    var first = wall - before, second = wall - after;
    var firstFits = offset(first, zone) === before, secondFits = offset(second, zone) === after;
    if (firstFits && secondFits) { return Math.min(first, second); }
    if (secondFits && !firstFits) { return second; }
    return first;
  }

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

  function add(ms, period, zone, calendar) {
    var n = period.amount, f, day;
    if (period.unit === "minutes") { return ms + n * MINUTE; }
    if (period.unit === "hours") { return ms + n * 60 * MINUTE; }
    if (period.unit === "business days") {
      var holidays = (own(DATA.holidays, calendar.key) || []);
      zone = calendar.timezone || zone;
      f = fields(ms, zone);
      day = Date.UTC(f.y, f.m - 1, f.d);
      var working = function (d) {
        var weekday = new Date(d).getUTCDay();
        return weekday !== 0 && weekday !== 6 && holidays.indexOf(isoDay(d)) < 0;
      };
      while (!working(day)) { day += DAY; }
      for (var counted = 0; counted < n;) { day += DAY; if (working(day)) { counted += 1; } }
      var date = new Date(day);
      return instant({ y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate(),
                       h: f.h, mi: f.mi, s: f.s }, zone);
    }
    f = fields(ms, zone);
    if (period.unit === "days" || period.unit === "weeks") {
      var moved = new Date(Date.UTC(f.y, f.m - 1, f.d + n * (period.unit === "weeks" ? 7 : 1)));
      return instant({ y: moved.getUTCFullYear(), m: moved.getUTCMonth() + 1, d: moved.getUTCDate(),
                       h: f.h, mi: f.mi, s: f.s }, zone);
    }
    var index = f.m - 1 + n, year = f.y + Math.floor(index / 12), month = index % 12 + 1;
    var last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return instant({ y: year, m: month, d: Math.min(f.d, last), h: f.h, mi: f.mi, s: f.s }, zone);
  }

  function words(period) {
    var unit = period.amount === 1 ? period.unit.replace(/s$/, "") : period.unit;
    return period.amount + " " + unit;
  }

  /* Every stage of every regulator, as generator/deadlines.py computes them. */
  function deadlines(events, zone) {
    var rows = [];
    DATA.regulators.forEach(function (regulator) {
      var due = {};
      var startWords = function (start) {
        var stage = regulator.stages.filter(function (s) { return s.id === start; })[0];
        return stage ? "the " + stage.name.charAt(0).toLowerCase() + stage.name.slice(1) : start;
      };
      var clockDue = function (clock) {
        if (!clock || !clock.due) { return null; }
        var start = Object.prototype.hasOwnProperty.call(due, clock.from) ? due[clock.from] : events[clock.from];
        return start == null ? null : add(start, clock.due, zone, regulator.calendar);
      };
      regulator.stages.forEach(function (stage) {
        var main = clockDue(stage.clock), limit = stage.limit ? clockDue(stage.limit) : null;
        var row = { regulator: regulator, stage: stage, due: null, status: "waiting", why: "" };
        var period = stage.clock.due ? words(stage.clock.due) + " after " + startWords(stage.clock.from) : "";
        if (!regulator.inForce) {
          row.status = "not in force"; row.why = "not in force; no deadline runs";
        } else if (!stage.clock.due) {
          row.status = "no fixed period"; row.why = "no fixed period";
        } else if (main != null && (limit == null || main <= limit)) {
          row.due = main; row.status = "due"; row.why = period;
        } else if (limit != null) {
          row.due = limit; row.status = "outer limit";
          row.why = words(stage.limit.due) + " after " + startWords(stage.limit.from) + " (outer limit)";
        } else {
          var waiting = stage.clock.from;
          row.why = period + "; give the time of " + (own(DATA.events, waiting) ? waiting : startWords(waiting));
        }
        due[stage.id] = row.due;
        rows.push(row);
      });
    });
    var timed = rows.filter(function (r) { return r.due != null; });
    timed.sort(function (a, b) { return a.due - b.due; });
    return timed.concat(rows.filter(function (r) { return r.due == null; }));
  }

  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function zoneName(ms, zone) {
    var part = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" })
      .formatToParts(new Date(ms)).filter(function (p) { return p.type === "timeZoneName"; })[0];
    return part ? part.value : zone;
  }
  function show(ms, zone) {
    var f = fields(ms, zone), weekday = WEEKDAYS[new Date(Date.UTC(f.y, f.m - 1, f.d)).getUTCDay()];
    return weekday + " " + f.y + "-" + pad(f.m) + "-" + pad(f.d) + " " + pad(f.h) + ":" + pad(f.mi) + " " +
      zoneName(ms, zone);
  }
  function showUTC(ms) { return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + "Z"; }
  function span(ms) {
    var total = Math.abs(Math.round(ms / 1000)), days = Math.floor(total / 86400);
    var text = pad(Math.floor(total % 86400 / 3600)) + ":" + pad(Math.floor(total % 3600 / 60)) + ":" + pad(total % 60);
    return (days ? days + " d " : "") + text;
  }
  function parseLocal(value, zone) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    return m ? instant({ y: +m[1], m: +m[2], d: +m[3], h: +m[4], mi: +m[5], s: 0 }, zone) : null;
  }
  function localValue(ms, zone) {
    var f = fields(ms, zone);
    return f.y + "-" + pad(f.m) + "-" + pad(f.d) + "T" + pad(f.h) + ":" + pad(f.mi);
  }

  window.PlaybookClock = { add: add, instant: instant, deadlines: deadlines, show: show };

  /* ---------- What the team entered, kept in this browser ---------- */

  var INITIALS = "crisis-playbook/initials";
  function fresh() {
    return { incident: { name: "", started: Date.now() }, ticks: {}, log: [], facts: {}, events: {},
             zone: DATA.timezone, release: null };
  }
  function load() {
    var state;
    try { state = JSON.parse(localStorage.getItem(DATA.key)) || fresh(); } catch (e) { state = fresh(); }
    state.ticks = map(state.ticks);
    state.facts = map(state.facts);
    state.events = map(state.events);
    return state;
  }
  function save(state) { localStorage.setItem(DATA.key, JSON.stringify(state)); }
  function initials() { return localStorage.getItem(INITIALS) || ""; }

  var items = map();
  DATA.phases.forEach(function (phase) {
    phase.items.forEach(function (item) { items[item.id] = { action: item.action, phase: phase.name }; });
  });

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text != null) { node.textContent = text; }
    return node;
  }

  /* ---------- Checklists that remember ---------- */

  function tickNote(tick, zone) {
    return "✓ " + show(tick.at, zone) + (tick.by ? " · " + tick.by : "");
  }

  function checklists(state) {
    document.querySelectorAll(".pb-item").forEach(function (marker) {
      var id = marker.id.replace(/^item-/, ""), li = marker.closest("li");
      var box = li && li.querySelector("input[type=checkbox]");
      if (!box || !items[id]) { return; }
      var note = element("span", { "class": "pb-tick" });
      li.appendChild(note);
      var paint = function () {
        var tick = state.ticks[id];
        box.checked = !!tick;
        note.textContent = tick ? tickNote(tick, state.zone) : "";
      };
      box.disabled = false;
      box.addEventListener("change", function () {
        state = load();
        var entry = { at: Date.now(), by: initials(), kind: box.checked ? "ticked" : "unticked", item: id };
        if (box.checked) { state.ticks[id] = { at: entry.at, by: entry.by }; } else { delete state.ticks[id]; }
        state.log.push(entry);
        save(state);
        paint();
      });
      paint();
    });
  }

  function progress(state) {
    document.querySelectorAll(".pb-progress[data-phase]").forEach(function (node) {
      var phase = DATA.phases.filter(function (p) { return p.id === node.getAttribute("data-phase"); })[0];
      if (!phase) { return; }
      var done = phase.items.filter(function (item) { return state.ticks[item.id]; }).length;
      node.textContent = done + " of " + phase.items.length + " done";
      node.classList.toggle("pb-complete", done === phase.items.length);
    });
  }

  /* ---------- The incident: name, initials, notes, export ---------- */

  function download(name, type, text) {
    var link = element("a", { href: URL.createObjectURL(new Blob([text], { type: type })), download: name });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function timeline(state) {
    return state.log.slice().sort(function (a, b) { return a.at - b.at; }).map(function (entry) {
      var item = items[entry.item];
      var text = entry.kind === "note" ? entry.text
        : entry.kind === "moment" ? entry.text
        : entry.kind + ": " + (item ? item.action + " (" + item.phase + ")" : entry.item);
      return { at: new Date(entry.at).toISOString(), local: show(entry.at, state.zone), by: entry.by || "",
               kind: entry.kind, item: entry.item || null, text: text };
    });
  }

  /* Typed text in the Markdown export: whitespace runs become one space (a cell stays one cell),
     "&", "<" and ">" become entity references (so no renderer reads HTML), and table pipes, link
     brackets, emphasis, code and attribute braces get a backslash escape, which keeps the raw file
     readable. Values only ever land inside a table cell or after "# ". */
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
  function markdownText(value) {
    return String(value).replace(/\s+/g, " ").replace(/[&<>]/g, function (ch) { return ENTITIES[ch]; })
      .replace(/[\\`*_{}\[\]|]/g, "\\$&");
  }

  function exportLog(state, format) {
    var name = (state.incident.name || "incident").replace(/[^A-Za-z0-9_-]+/g, "-");
    var entries = timeline(state);
    if (format === "json") {
      download(name + "-log.json", "application/json", JSON.stringify({
        incident: state.incident.name, started: new Date(state.incident.started).toISOString(),
        exported: new Date().toISOString(), playbook: { organisation: DATA.organisation, version: DATA.version },
        timeZone: state.zone, entries: entries
      }, null, 2));
      return;
    }
    var lines = ["# Incident log: " + (state.incident.name ? markdownText(state.incident.name) : "unnamed incident"), "",
      "Playbook of " + markdownText(DATA.organisation) + ", version " + markdownText(DATA.version) + ". Started " +
      show(state.incident.started, state.zone) + "; exported " + show(Date.now(), state.zone) + ".", "",
      "| Time | By | What |", "|---|---|---|"];
    entries.forEach(function (e) {
      lines.push("| " + markdownText(e.local) + " | " + markdownText(e.by) + " | " + markdownText(e.text) + " |");
    });
    download(name + "-log.md", "text/markdown", lines.join("\n") + "\n");
  }

  function incidentPanel(root, state) {
    root.innerHTML = "";
    var row = function (label, control) {
      var p = element("p");
      p.appendChild(element("label", {}, label + " "));
      p.firstChild.appendChild(control);
      root.appendChild(p);
      return control;
    };
    var name = row("Incident name:", element("input", { type: "text", id: "pb-incident-name", size: "30" }));
    name.value = state.incident.name;
    name.addEventListener("change", function () { state = load(); state.incident.name = name.value; save(state); });
    var who = row("Your initials:", element("input", { type: "text", id: "pb-initials", size: "5" }));
    who.value = initials();
    who.addEventListener("change", function () { localStorage.setItem(INITIALS, who.value.trim()); });
    root.appendChild(element("p", { "class": "pb-muted" },
      "Started " + show(state.incident.started, state.zone) + ". " + Object.keys(state.ticks).length +
      " checklist items ticked. Everything is kept in this browser only."));

    var note = element("textarea", { id: "pb-note", rows: "2", cols: "50", placeholder: "What happened, what was decided" });
    var noteButton = element("button", { type: "button", id: "pb-add-note", "class": "md-button" }, "Add to the log");
    noteButton.addEventListener("click", function () {
      if (!note.value.trim()) { return; }
      state = load();
      state.log.push({ at: Date.now(), by: initials(), kind: "note", text: note.value.trim() });
      save(state);
      note.value = "";
      incidentPanel(root, state);
    });
    root.appendChild(note);
    root.appendChild(noteButton);

    var buttons = element("p", { "class": "pb-buttons" });
    [["pb-export-md", "Export the log (Markdown)", "md"], ["pb-export-json", "Export the log (JSON)", "json"]]
      .forEach(function (spec) {
        var button = element("button", { type: "button", id: spec[0], "class": "md-button" }, spec[1]);
        button.addEventListener("click", function () { exportLog(load(), spec[2]); });
        buttons.appendChild(button);
      });
    var restart = element("button", { type: "button", id: "pb-new-incident", "class": "md-button" },
      "Start a new incident");
    restart.addEventListener("click", function () {
      var named = name.value.trim();
      if (!window.confirm("Start a new incident" + (named ? " named \"" + named + "\"" : "") +
          "? All ticks, notes, facts and times of the current one are cleared from this browser. " +
          "Export the log first if you need it.")) { return; }
      var next = fresh();
      next.incident.name = named;
      save(next);
      window.location.reload();
    });
    buttons.appendChild(restart);
    root.appendChild(buttons);
  }

  /* ---------- The incident clock ---------- */

  function zoneChoices(current) {
    var zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [];
    [DATA.timezone].concat(DATA.places.map(function (p) { return p.timezone; }), [current])
      .forEach(function (zone) { if (zone && zones.indexOf(zone) < 0) { zones.unshift(zone); } });
    return zones;
  }
  function zoneSelect(id, current) {
    var select = element("select", { id: id });
    zoneChoices(current).forEach(function (zone) {
      var option = element("option", { value: zone }, zone);
      if (zone === current) { option.selected = true; }
      select.appendChild(option);
    });
    return select;
  }

  function clockPanel(root, state) {
    root.innerHTML = "";
    var used = ["awareness"];
    DATA.regulators.forEach(function (r) {
      r.stages.forEach(function (s) {
        [s.clock, s.limit].forEach(function (c) {
          if (c && own(DATA.events, c.from) && used.indexOf(c.from) < 0) { used.push(c.from); }
        });
      });
    });
    var form = element("div", { "class": "pb-form" });
    var zone = zoneSelect("pb-zone", state.zone);
    var zoneLabel = element("label", {}, "Time zone of these times: ");
    zoneLabel.appendChild(zone);
    form.appendChild(element("p")).appendChild(zoneLabel);
    var inputs = {};
    used.forEach(function (event) {
      var input = element("input", { type: "datetime-local", id: "pb-event-" + event, "data-event": event });
      if (state.events[event] != null) { input.value = localValue(state.events[event], state.zone); }
      var label = element("label", {}, event.charAt(0).toUpperCase() + event.slice(1) + " (" + own(DATA.events, event) + "): ");
      label.appendChild(input);
      form.appendChild(element("p")).appendChild(label);
      inputs[event] = input;
    });
    root.appendChild(form);
    var table = element("table", { id: "pb-deadlines" });
    root.appendChild(table);

    var recompute = function () {
      state = load();
      state.zone = zone.value;
      Object.keys(inputs).forEach(function (event) {
        var ms = parseLocal(inputs[event].value, state.zone);
        if (ms == null) { delete state.events[event]; } else {
          if (state.events[event] !== ms) {
            state.log.push({ at: Date.now(), by: initials(), kind: "moment",
                             text: event + " recorded as " + show(ms, state.zone) });
          }
          state.events[event] = ms;
        }
      });
      save(state);
      render();
    };
    var render = function () {
      var rows = deadlines(state.events, state.zone), now = Date.now();
      table.innerHTML = "";
      var head = table.appendChild(element("thead")).appendChild(element("tr"));
      ["Due (" + state.zone + ")", "Due (UTC)", "Regulator: stage", "Time left"].forEach(function (text) {
        head.appendChild(element("th", {}, text));
      });
      var body = table.appendChild(element("tbody"));
      rows.forEach(function (row) {
        var tr = body.appendChild(element("tr", { "data-regulator": row.regulator.id, "data-stage": row.stage.id }));
        var overdue = row.due != null && row.due < now;
        if (overdue) { tr.className = "pb-overdue"; }
        tr.appendChild(element("td", { "class": "pb-due" }, row.due != null ? show(row.due, state.zone) : "—"));
        tr.appendChild(element("td", {}, row.due != null ? showUTC(row.due) : "—"));
        tr.appendChild(element("td", {}, row.regulator.name + ": " + row.stage.name +
          (row.status === "due" ? "" : " [" + row.status + "]")));
        tr.appendChild(element("td", { "class": "pb-left", "data-due": row.due == null ? "" : String(row.due) },
          row.due == null ? row.why : ""));
      });
      tick();
    };
    var tick = function () {
      var now = Date.now();
      table.querySelectorAll("td.pb-left[data-due]").forEach(function (cell) {
        var due = cell.getAttribute("data-due");
        if (!due) { return; }
        var left = +due - now;
        cell.textContent = left >= 0 ? "in " + span(left) : "overdue by " + span(left);
        cell.parentNode.classList.toggle("pb-overdue", left < 0);
      });
    };
    zone.addEventListener("change", function () {
      // The times stay the same moments; the fields are rewritten in the new zone.
      state = load();
      state.zone = zone.value;
      Object.keys(inputs).forEach(function (event) {
        if (state.events[event] != null) { inputs[event].value = localValue(state.events[event], state.zone); }
      });
      save(state);
      render();
    });
    Object.keys(inputs).forEach(function (event) { inputs[event].addEventListener("change", recompute); });
    render();
    window.setInterval(tick, 1000);
  }

  /* ---------- Coordinated release ---------- */

  function releasePanel(root, state) {
    root.innerHTML = "";
    var zone = zoneSelect("pb-release-zone", (state.release && state.release.zone) || DATA.timezone);
    var when = element("input", { type: "datetime-local", id: "pb-release-time" });
    if (state.release) { when.value = localValue(state.release.at, state.release.zone); }
    var label = element("label", {}, "Release at: ");
    label.appendChild(when);
    label.appendChild(document.createTextNode(" in "));
    label.appendChild(zone);
    root.appendChild(element("p")).appendChild(label);
    var table = root.appendChild(element("table", { id: "pb-release-table" }));
    var embargo = root.appendChild(element("p", { id: "pb-embargo" }));
    var render = function () {
      var at = parseLocal(when.value, zone.value);
      state = load();
      state.release = at == null ? null : { at: at, zone: zone.value };
      save(state);
      table.innerHTML = "";
      embargo.textContent = "";
      if (at == null) { return; }
      var head = table.appendChild(element("thead")).appendChild(element("tr"));
      ["Where", "Time zone", "Local time"].forEach(function (text) { head.appendChild(element("th", {}, text)); });
      var body = table.appendChild(element("tbody"));
      DATA.places.forEach(function (place) {
        var tr = body.appendChild(element("tr"));
        [place.name, place.timezone, show(at, place.timezone)].forEach(function (text) {
          tr.appendChild(element("td", {}, text));
        });
      });
      if (DATA.embargoed.length) {
        embargo.textContent = "Embargo lifts for " + DATA.embargoed.join(", ") + " at " + show(at, zone.value) +
          " (" + showUTC(at) + "): brief them before, under embargo until then.";
      }
    };
    when.addEventListener("change", render);
    zone.addEventListener("change", render);
    render();
  }

  /* ---------- Incident facts and the message composer ---------- */

  function factsPanel(root, state) {
    root.innerHTML = "";
    DATA.facts.forEach(function (fact) {
      var p = root.appendChild(element("p"));
      var label = p.appendChild(element("label", { "for": "pb-fact-" + fact.id }, fact.label));
      label.appendChild(element("br"));
      var input = p.appendChild(element("textarea", { id: "pb-fact-" + fact.id, rows: "2", cols: "60",
        placeholder: fact.example ? "e.g. " + fact.example : "" }));
      input.value = state.facts[fact.id] || "";
      if (fact.hint) { p.appendChild(element("br")); p.appendChild(element("small", {}, fact.hint)); }
      input.addEventListener("input", function () {
        state = load();
        if (input.value.trim()) { state.facts[fact.id] = input.value; } else { delete state.facts[fact.id]; }
        save(state);
      });
    });
  }

  function filledText(node, facts) {
    var text = "";
    node.childNodes.forEach(function (child) {
      if (child.nodeType === 1 && child.classList.contains("pb-blank")) {
        var value = facts[child.getAttribute("data-fact")];
        text += value ? value : child.getAttribute("data-blank");
      } else {
        text += child.textContent;
      }
    });
    return text;
  }

  function copy(text, button) {
    var done = function () { button.textContent = "Copied"; window.setTimeout(function () { button.textContent = "Copy the filled text"; }, 2000); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  }
  function fallbackCopy(text) {
    var area = element("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }

  function composer(state) {
    document.querySelectorAll(".pb-compose[data-message]").forEach(function (panel) {
      var id = panel.getAttribute("data-message"), max = +panel.getAttribute("data-max-chars") || 0;
      var parts = ["message-subject-" + id, "message-" + id].map(function (n) { return document.getElementById(n); })
        .filter(Boolean).map(function (n) { return n.querySelector("code") || n; });
      var blanks = [];
      parts.forEach(function (part) {
        part.querySelectorAll("mark.pb-blank[data-fact]").forEach(function (mark) {
          if (!mark.hasAttribute("data-blank")) { mark.setAttribute("data-blank", mark.textContent); }
          var value = state.facts[mark.getAttribute("data-fact")];
          mark.textContent = value || mark.getAttribute("data-blank");
          mark.classList.toggle("pb-filled", !!value);
          if (!value && blanks.indexOf(mark.getAttribute("data-fact")) < 0) { blanks.push(mark.getAttribute("data-fact")); }
        });
      });
      var body = document.getElementById("message-" + id), text = body ? filledText(body.querySelector("code") || body, state.facts) : "";
      panel.innerHTML = "";
      panel.appendChild(element("p", { "class": blanks.length ? "pb-empty" : "pb-ready" }, blanks.length
        ? "Still empty: " + blanks.map(function (b) { return "[[ " + b + " ]]"; }).join(", ") + "."
        : "Every blank is filled."));
      if (max) {
        panel.appendChild(element("p", { "class": text.length > max ? "pb-too-long" : "" },
          text.length + " of " + max + " characters" + (text.length > max ? ": too long" : "") + "."));
      }
      var button = element("button", { type: "button", "class": "md-button md-button--primary pb-copy" }, "Copy the filled text");
      button.addEventListener("click", function () { copy(filledText(body.querySelector("code") || body, load().facts), button); });
      panel.appendChild(button);
      var edit = element("a", { href: panel.getAttribute("data-facts-href") || "#" }, "Fill in the incident facts");
      panel.appendChild(document.createTextNode(" "));
      panel.appendChild(edit);
    });
  }

  /* ---------- Start ---------- */

  /* An offline copy ages on a USB stick: say so once its review date has passed. */
  function reviewWarning() {
    var f = fields(Date.now(), DATA.timezone);
    var today = f.y + "-" + pad(f.m) + "-" + pad(f.d);
    var article = document.querySelector("article.md-content__inner");
    if (today <= DATA.nextReview || !article) { return; }
    var box = element("div", { "class": "admonition warning pb-review-passed" });
    box.appendChild(element("p", { "class": "admonition-title" }, "This copy may be out of date"));
    box.appendChild(element("p", {}, "Version " + DATA.version + " was due for review on " + DATA.nextReview +
      ". Check that you have the current version, and that the phone numbers still work."));
    article.insertBefore(box, article.firstChild);
  }

  function start() {
    var state = load();
    reviewWarning();
    checklists(state);
    progress(state);
    composer(state);
    var panels = { "pb-incident": incidentPanel, "pb-clock": clockPanel, "pb-release": releasePanel,
                   "pb-facts": factsPanel };
    Object.keys(panels).forEach(function (id) {
      var root = document.getElementById(id);
      if (root) { panels[id](root, state); }
    });
    // Facts typed in another tab fill this page's messages as they are typed.
    window.addEventListener("storage", function (event) {
      if (event.key === DATA.key) { composer(load()); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
