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

  /* ---------- Exercise mode ---------- */

  /* While an exercise runs, everything the team enters goes to a log of its own (a separate localStorage
     key: never mixed with a real incident's), the clock is simulated (it starts at the real moment the
     exercise starts and runs `speed` times faster), and every page, export and copied text says EXERCISE. */
  var MODE = DATA.key + "/exercise-mode";
  function readExercise() {
    var mode = null;
    try { mode = JSON.parse(localStorage.getItem(MODE)); } catch (e) { mode = null; }
    return mode && typeof mode === "object" && typeof mode.realStart === "number" &&
      typeof mode.simStart === "number" && typeof mode.speed === "number" && mode.speed > 0 ? mode : null;
  }
  var EXERCISE = readExercise();
  var STORE = EXERCISE ? DATA.key + "/exercise" : DATA.key;
  function clockNow() {
    return EXERCISE ? Math.round(EXERCISE.simStart + (Date.now() - EXERCISE.realStart) * EXERCISE.speed) : Date.now();
  }
  /* Every text that leaves the tools during an exercise (an export, a copied message) carries the mark. */
  function marked(text) { return EXERCISE ? t("EXERCISE") + " \u2014 " + text : text; }
  /* A copied command carries it on a comment line of its own, which the shell skips: in front of the command,
     the mark would make it fail when pasted into a terminal. */
  function markedCommand(text) {
    return EXERCISE ? "# " + t("EXERCISE") + " \u2014 " + t("nothing here is a real incident") + "\n" + text : text;
  }

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

  /* What the tools say, in the site's language: DATA.strings maps each English text to its translation
     (from the gettext catalogue, at build); "{name}" in a text marks a value put in. A text with no
     translation is said in English. */
  function t(text, values) {
    var said = own(DATA.strings || {}, text);
    return fill(typeof said === "string" && said ? said : text, values);
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }
  /* A text that changes with a number: DATA.plurals maps its English singular to the language's forms by
     CLDR plural category (Intl.PluralRules says which the number takes); English without a translation. */
  function tn(one, other, count, values) {
    var forms = own(DATA.plurals || {}, one), category = "other";
    try { category = new Intl.PluralRules(DATA.locale || "en").select(count); } catch (e) { category = "other"; }
    var said = forms && (own(forms, category) || own(forms, "other"));
    return fill(typeof said === "string" && said ? said : (count === 1 ? one : other), values);
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

  /* A wall-clock time's two readings: with the UTC offset in force a day before it and a day after
     it, and whether each gives that wall-clock time back. The offsets are sampled a whole day
     either side because UTC offsets reach +14:00: half a day before a wall-clock time in
     Pacific/Chatham (+13:45) is, in UTC, already 1:45 after it, which read times near its clock
     changes an hour wrong. */
  function readings(f, zone) {
    var wall = asUTC(f), before = offset(wall - DAY, zone), after = offset(wall + DAY, zone);
    var first = wall - before, second = wall - after;
    return { before: before, after: after, first: first, second: second,
             firstFits: offset(first, zone) === before, secondFits: offset(second, zone) === after };
  }

  /* The instant of a wall-clock time in a zone. An ambiguous time (clocks going back) is the
     earlier one; a time in the gap (clocks going forward) takes the offset before the change,
     which moves it forward: both as Python's zoneinfo does with fold=0. */
  function instant(f, zone) {
    var r = readings(f, zone);
    if (r.firstFits && r.secondFits) { return Math.min(r.first, r.second); }
    if (r.secondFits && !r.firstFits) { return r.second; }
    return r.first;
  }

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function dayMs(f) { return Date.UTC(f.y, f.m - 1, f.d); }
  function dayFields(ms) {
    var d = new Date(ms);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
  }

  /* The time the last day of a period ends at: the start's time of day, the end of the day (23:59)
     or a filing cut-off ("17:30"), as the regulator's counting rule says. */
  function endTime(ends, f) {
    if (ends === "end of day") { return { h: 23, mi: 59 }; }
    if (ends && ends !== "time of day") { return { h: +ends.slice(0, 2), mi: +ends.slice(3, 5) }; }
    return { h: f.h, mi: f.mi };
  }

  /* ms plus a period, counted in zone: generator/deadlines.py's add(), rule for rule. */
  /* Whether a day (UTC midnight ms) is a business day of calendar: no weekend, no holiday of its data. */
  function workingDay(calendar) {
    var holidays = (own(DATA.holidays, calendar.key) || []);
    return function (d) {
      var weekday = new Date(d).getUTCDay();
      return weekday !== 0 && weekday !== 6 && holidays.indexOf(isoDay(d)) < 0;
    };
  }

  /* ms plus business hours: only the time inside the calendar's service window ("08:00-17:00") on
     business days counts, on the wall clock of zone; generator/deadlines.py's _add_business_hours(). */
  function addBusinessHours(ms, period, zone, calendar) {
    var working = workingDay(calendar);
    var minutes = function (text) { return +text.slice(0, 2) * 60 + +text.slice(3, 5); };
    var open = minutes(calendar.hours.slice(0, 5)), close = minutes(calendar.hours.slice(6, 11));
    var remaining = period.amount * 60 + (period.plusMinutes || 0), f = fields(ms, zone);
    var day = dayMs(f), minute = f.h * 60 + f.mi;
    for (var guard = 0; guard < 100000; guard += 1) {
      if (working(day)) {
        minute = Math.max(minute, open);
        if (minute < close) {
          if (minute + remaining <= close) {
            var at = minute + remaining, date = dayFields(day + Math.floor(at / 1440) * DAY);
            return instant({ y: date.y, m: date.m, d: date.d, h: Math.floor(at % 1440 / 60), mi: at % 60, s: 0 }, zone);
          }
          remaining -= close - minute;
        }
      }
      day += DAY;
      minute = 0;
    }
    return null;
  }

  function add(ms, period, zone, calendar, counting, waits) {
    if (period.unit === "business hours") { return addBusinessHours(ms, period, zone, calendar); }
    var plus = (period.plusMinutes || 0) * MINUTE;
    if (period.unit === "minutes") { return ms + period.amount * MINUTE + plus; }
    if (period.unit === "hours") { return ms + period.amount * 60 * MINUTE + plus; }
    return addCalendar(ms, period, zone, calendar, counting, waits) + plus;  // "1 day 4h": the hours after the day
  }

  function addCalendar(ms, period, zone, calendar, counting, waits) {
    var n = period.amount, f, day;
    f = fields(ms, zone);
    day = dayMs(f);
    if (period.unit === "business days") {
      var working = workingDay(calendar);
      if (waits) { while (!working(day)) { day += DAY; } }
      for (var counted = 0; counted < n;) { day += DAY; if (working(day)) { counted += 1; } }
    } else if (period.unit === "days" || period.unit === "weeks") {
      day = Date.UTC(f.y, f.m - 1, f.d + n * (period.unit === "weeks" ? 7 : 1));
    } else {
      var index = f.m - 1 + n, year = f.y + Math.floor(index / 12), month = index % 12 + 1;
      var last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      day = Date.UTC(year, month - 1, Math.min(f.d, last));
    }
    var end = endTime(counting && counting.ends, f), date = dayFields(day);
    return instant({ y: date.y, m: date.m, d: date.d, h: end.h, mi: end.mi, s: 0 }, zone);
  }

  function yearEnd(ms, zone) {
    var f = fields(ms, zone);
    return instant({ y: f.y, m: 12, d: 31, h: f.h, mi: f.mi, s: 0 }, zone);
  }

  /* Every stage of every regulator, as generator/deadlines.py computes them: the same arithmetic,
     and the same sentences, which come ready-made from data.js (stage.texts). Days count in the
     regulator's calendar zone, else in countZone (the playbook's), never in the zone shown. */
  function deadlines(events, filed, countZone) {
    var rows = [];
    filed = filed || {};
    countZone = countZone || DATA.timezone;
    DATA.regulators.forEach(function (regulator) {
      var due = {}, zone = (regulator.calendar && regulator.calendar.timezone) || countZone;
      var filedHere = function (id) { return own(filed, regulator.id + "/" + id); };
      var startOf = function (clock, given) {
        if (clock.event) {
          var moment = own(given, clock.from);
          if (moment == null) { return { at: null }; }
          return { at: clock.yearEnd ? yearEnd(moment, zone) : moment };
        }
        if (filedHere(clock.from) != null) { return { at: filedHere(clock.from) }; }
        var at = own(due, clock.from);
        return { at: at == null ? null : at, chained: at != null };
      };
      var dueOf = function (clock, given, waits) {
        if (!clock || !clock.due) { return { at: null }; }
        var start = startOf(clock, given);
        if (start.at == null) { return { at: null }; }
        if (waits === undefined) { waits = regulator.counting.start === "waits"; }
        return { at: add(start.at, clock.due, zone, regulator.calendar, regulator.counting, waits),
                 chained: !!start.chained };
      };
      regulator.stages.forEach(function (stage) {
        var texts = stage.texts, notes = [], other = null, hint = null;
        var main = dueOf(stage.clock, events), limit = dueOf(stage.limit, events), chained = main.chained;
        var row = { regulator: regulator, stage: stage, due: null, status: "waiting", why: "" };
        if (own(texts, "start_dispute") != null && main.at != null) {
          var later = dueOf(stage.clock, events, true).at;
          if (later !== main.at) { other = later; notes.push(texts.start_dispute); }
        }
        if (!regulator.inForce) {
          row.status = "not in force"; row.why = texts.not_in_force; notes = []; other = null;
        } else if (!stage.clock.due) {
          row.status = "no fixed period"; row.why = texts.rule;
        } else if (main.at != null && (limit.at == null || main.at <= limit.at)) {
          row.due = main.at; row.status = "due"; row.why = texts.period;
        } else if (limit.at != null) {
          row.due = limit.at; row.status = "outer limit";
          row.why = main.at != null ? texts.limit : texts.limit_waiting;
          chained = limit.chained;
          if (main.at != null && own(texts, "limit_dispute") != null) { other = main.at; notes.push(texts.limit_dispute); }
        } else {
          row.why = texts.waiting;
          if (own(texts, "hint") != null && own(events, "awareness") != null) {
            var same = map(events);
            same[stage.clock.from] = events.awareness;
            hint = dueOf(stage.clock, same).at;
            var limitIf = dueOf(stage.limit, same).at;
            if (hint != null && limitIf != null) { hint = Math.min(hint, limitIf); }
          }
        }
        if (chained && row.due != null) { notes.unshift(texts.chained); }
        else if (!stage.clock.event && filedHere(stage.clock.from) != null && row.due != null) {
          notes.unshift(texts.filed_from);
        }
        row.notes = notes; row.other = other; row.hint = hint;
        row.filed = filedHere(stage.id) == null ? null : filedHere(stage.id);
        due[stage.id] = row.due;
        rows.push(row);
      });
    });
    var when = function (r) { return r.due != null ? r.due : r.hint; };
    var timed = rows.filter(function (r) { return when(r) != null; });
    timed.sort(function (a, b) { return when(a) - when(b); });
    return timed.concat(rows.filter(function (r) { return when(r) == null; }));
  }

  /* The checklist items with a deadline (DATA.itemClocks), each counted from its moment: an event or a
     phase's start as entered, or a milestone: the time the item that marks it was ticked, unless a time
     was entered for it. Days count in countZone (the playbook's), at the start's time of day. */
  function momentAt(key, events, ticks) {
    if (own(events, key) != null) { return own(events, key); }
    var moment = (DATA.moments || []).filter(function (m) { return m.key === key; })[0];
    var tick = moment && moment.markedBy ? own(ticks, moment.markedBy) : null;
    return tick ? tick.at : null;
  }
  function itemDeadlines(events, ticks, countZone, now) {
    ticks = ticks || {};
    countZone = countZone || DATA.timezone;
    now = now == null ? clockNow() : now;
    return (DATA.itemClocks || []).map(function (c) {
      var start = momentAt(c.start, events, ticks), tick = own(ticks, c.id);
      var row = { item: c, due: null, done: c.every ? null : (tick ? tick.at : null), why: c.why, occurrence: null };
      if (start == null) { return row; }
      row.due = add(start, c.due || c.every, countZone, null, null, false);
      if (c.every) {
        // A duty that repeats: the next time it falls due from now, and which time that is.
        row.occurrence = 1;
        while (row.due < now && row.occurrence < 100000) {
          row.due = add(row.due, c.every, countZone, null, null, false);
          row.occurrence += 1;
        }
      }
      return row;
    });
  }

  /* A typed wall-clock time in a zone, never read silently: a time the clocks skipped is read
     forward and said so; a time shown twice is read as the first, with the second offered. */
  function readLocal(value, zone) {
    var m = /^(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!m) { return null; }
    var f = { y: +m[1], m: +m[2], d: +m[3], h: +m[4], mi: +m[5], s: 0 };
    if (f.y < DATA.years[0] || f.y > DATA.years[1]) {
      return { error: t("The year {year} is outside the years the clock counts ({first} to {last}); check the date.",
                        { year: f.y, first: DATA.years[0], last: DATA.years[1] }) };
    }
    var r = readings(f, zone);
    if (r.before !== r.after && r.firstFits && r.secondFits) {
      return { ms: Math.min(r.first, r.second), kind: "twice", alt: Math.max(r.first, r.second) };
    }
    if (!r.firstFits && !r.secondFits) { return { ms: instant(f, zone), kind: "gap" }; }
    return { ms: instant(f, zone), kind: "ok" };
  }

  function orderProblems(events) {
    return DATA.order.filter(function (o) {
      return own(events, o.earlier) != null && own(events, o.later) != null && events[o.later] < events[o.earlier];
    }).map(function (o) { return o.text; });
  }

  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function zoneName(ms, zone) {
    var part = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" })
      .formatToParts(new Date(ms)).filter(function (p) { return p.type === "timeZoneName"; })[0];
    return part ? part.value : zone;
  }
  /* A moment as people read it. In English the tools' own compact form (Mon 2026-03-02 09:00 CET), which the
     clock parity tests pin; in another language the locale's own (Intl, DATA.locale: "pon 2. 3. 2026. 09:00"
     for Serbian), always 24-hour, with the zone's short name. The arithmetic above never reads this. */
  var displays = map();
  function show(ms, zone) {
    var locale = DATA.locale || "en";
    if (locale === "en") {
      var f = fields(ms, zone), weekday = WEEKDAYS[new Date(Date.UTC(f.y, f.m - 1, f.d)).getUTCDay()];
      return weekday + " " + f.y + "-" + pad(f.m) + "-" + pad(f.d) + " " + pad(f.h) + ":" + pad(f.mi) + " " +
        zoneName(ms, zone);
    }
    var format = displays[zone] || (displays[zone] = new Intl.DateTimeFormat(locale, {
      timeZone: zone, weekday: "short", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" }));
    return format.format(new Date(ms)) + " " + zoneName(ms, zone);
  }
  /* A date of the plan (YYYY-MM-DD) in the site's language: as written in English, the locale's form otherwise. */
  function showDate(iso) {
    var locale = DATA.locale || "en", m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (locale === "en" || !m) { return iso; }
    return new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" })
      .format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
  }
  /* The engine's words for a deadline's state, as the list shows them in brackets. */
  function eventName(event) { return own(DATA.eventNames || {}, event) || event; }
  function statusWords(status) {
    var words = { "not in force": t("not in force"), "no fixed period": t("no fixed period"),
                  "outer limit": t("outer limit"), "waiting": t("waiting") };
    return own(words, status) || status;
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

  /* A zone name from storage or the page: an alias (Europe/Kiev) becomes its zone (Europe/Kyiv). */
  function canonicalZone(zone) {
    var alias = own(DATA.zoneAliases, zone);
    return alias || (DATA.zones.indexOf(zone) >= 0 ? zone : DATA.timezone);
  }

  window.PlaybookClock = { add: add, instant: instant, deadlines: deadlines, itemDeadlines: itemDeadlines, show: show,
                           readLocal: readLocal, orderProblems: orderProblems };

  /* ---------- What the team entered, kept in this browser ---------- */

  var INITIALS = "crisis-playbook/initials";
  function fresh() {
    return { incident: { name: "", started: clockNow() }, ticks: {}, log: [], facts: {}, events: {},
             typed: {}, filed: {}, zone: DATA.timezone, showZone: DATA.timezone, release: null };
  }
  /* A stored incident that cannot be read is never silently replaced: the unreadable text is kept,
     unchanged, under a backup key of its own, and the page says so (see unreadableWarning). */
  var BACKUP = STORE + "/unreadable/";
  function readable(state) {
    return state !== null && typeof state === "object" && !Array.isArray(state) && Array.isArray(state.log) &&
      state.incident !== null && typeof state.incident === "object";
  }
  function load() {
    var raw = localStorage.getItem(STORE), state = null;
    if (raw != null) {
      try { state = JSON.parse(raw); } catch (e) { state = null; }
      if (!readable(state)) {
        var backup = BACKUP + new Date().toISOString();
        localStorage.setItem(backup, raw);
        state = null;
        var next = fresh();
        next.log.push({ at: clockNow(), by: "", kind: "note",
                        text: t("The incident stored in this browser could not be read; it was kept unchanged under " +
                                "the key \"{key}\" and this new log was started.", { key: backup }) });
        localStorage.setItem(STORE, JSON.stringify(next));
      }
    }
    state = state || (raw == null ? fresh() : JSON.parse(localStorage.getItem(STORE)));
    state.ticks = map(state.ticks);
    state.facts = map(state.facts);
    state.events = map(state.events);
    state.typed = map(state.typed);
    state.filed = map(state.filed);
    state.zone = canonicalZone(state.zone || DATA.timezone);
    state.showZone = canonicalZone(state.showZone || state.zone);
    return state;
  }
  function save(state) { localStorage.setItem(STORE, JSON.stringify(state)); }
  function initials() { return localStorage.getItem(INITIALS) || ""; }

  var items = map();
  DATA.phases.concat(DATA.procedures || []).forEach(function (phase) {
    phase.items.forEach(function (item) {
      items[item.id] = { action: item.action, phase: phase.name, severities: item.severities || [],
                         scenarios: item.scenarios || [] };
    });
  });

  /* Whether a checklist item applies at the severity and in the scenario chosen for the incident
     (nothing chosen: everything applies; an item without a condition always applies). */
  function applies(item, state) {
    var chosen = state.applies || {};
    return (!chosen.severity || !item.severities.length || item.severities.indexOf(chosen.severity) >= 0) &&
           (!chosen.scenario || !item.scenarios.length || item.scenarios.indexOf(chosen.scenario) >= 0);
  }

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

  /* A phase page marks each item with its id (item-…); the home page's first hour lists the same
     items (data-item), ticked in either place. */
  function itemId(marker) { return marker.getAttribute("data-item") || marker.id.replace(/^item-/, ""); }

  function checklists(state) {
    document.querySelectorAll(".pb-item").forEach(function (marker) {
      var id = itemId(marker), li = marker.closest("li");
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
        var entry = { at: clockNow(), by: initials(), kind: box.checked ? "ticked" : "unticked", item: id };
        if (box.checked) { state.ticks[id] = { at: entry.at, by: entry.by }; } else { delete state.ticks[id]; }
        state.log.push(entry);
        save(state);
        paint();
        progress(state);
      });
      paint();
    });
  }

  function progress(state) {
    document.querySelectorAll(".pb-progress[data-phase]").forEach(function (node) {
      var phase = DATA.phases.filter(function (p) { return p.id === node.getAttribute("data-phase"); })[0];
      if (!phase) { return; }
      var open = phase.items.filter(function (item) { return applies(items[item.id], state); });
      var done = open.filter(function (item) { return state.ticks[item.id]; }).length;
      node.textContent = done + " of " + open.length + " done";
      node.classList.toggle("pb-complete", done === open.length);
    });
  }

  /* The "what applies" selector of a phase page: the incident's severity and scenario, kept with the
     incident (every page shows the same choice) and written to its log; items that do not apply are
     hidden, and the page says how many. */
  function appliesPanel(root, state) {
    var chosen = state.applies || {};
    root.textContent = "";
    var status = element("p", { "class": "pb-applies-status", role: "status" });
    function choice(key, label, options) {
      var id = "pb-applies-" + key;
      var select = element("select", { id: id });
      select.appendChild(element("option", { value: "" }, t("not chosen: show every item")));
      options.forEach(function (option) { select.appendChild(element("option", { value: option.id }, option.name)); });
      select.value = chosen[key] || "";
      select.addEventListener("change", function () {
        state = load();
        state.applies = Object.assign({}, state.applies || {});
        state.applies[key] = select.value;
        var name = select.value ? select.options[select.selectedIndex].text : t("not chosen");
        state.log.push({ at: clockNow(), by: initials(), kind: "note",
                         text: t("{choice} for the checklists: {name}", { choice: label, name: name }) });
        save(state);
        chosen = state.applies;
        paint();
        progress(state);
      });
      var line = element("p");
      line.appendChild(element("label", { "for": id }, label + " "));
      line.appendChild(select);
      root.appendChild(line);
    }
    function paint() {
      var hidden = 0;
      document.querySelectorAll(".pb-item").forEach(function (marker) {
        var item = items[itemId(marker)], li = marker.closest("li");
        if (!item || !li) { return; }
        var show = applies(item, { applies: chosen });
        li.hidden = !show;
        if (!show) { hidden += 1; }
      });
      status.textContent = hidden ? tn("{count} item does not apply to this incident and is hidden.",
                                       "{count} items do not apply to this incident and are hidden.", hidden,
                                       { count: hidden }) : t("Every item is shown.");
    }
    if (DATA.severities.length) { choice("severity", t("Severity"), DATA.severities); }
    if (DATA.scenarios.length) { choice("scenario", t("Scenario"), DATA.scenarios); }
    root.appendChild(status);
    paint();
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
      // Ticks name their item; every other entry (a note, a moment, a filing, a status) carries its text.
      var text = entry.item == null ? entry.text
        : entry.kind + ": " + (item ? item.action + " (" + item.phase + ")" : entry.item);
      var out = { at: new Date(entry.at).toISOString(), local: show(entry.at, state.zone), by: entry.by || "",
                  kind: entry.kind, item: entry.item || null, text: text };
      // What an exercise records besides: the inject revealed, the message copied, the call made and its outcome.
      ["inject", "message", "role", "call", "outcome", "channel", "seconds"].forEach(function (key) {
        if (entry[key] != null) { out[key] = entry[key]; }
      });
      return out;
    });
  }

  function isoMap(values) {
    var out = {};
    Object.keys(values || {}).forEach(function (key) {
      var at = values[key];
      if (typeof at === "number") { out[key] = new Date(at).toISOString(); }
    });
    return out;
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

  /* A wrong or stale number found by the call-tree test is a finding, in the export as in the after-action report. */
  function callFindings(entries) {
    var calls = map();
    (DATA.callTree || []).forEach(function (call) { calls[call.key] = call; });
    return entries.filter(function (e) { return e.kind === "call" && e.outcome === "wrong-number"; }).map(function (e) {
      var call = calls[e.call];
      return t("Call-tree test: the number of {who} on {channel} was wrong or stale.", {
        who: call ? call.contact + " (" + call.role + ", " + call.place + ")" : e.call, channel: e.channel });
    });
  }

  function exportLog(state, format) {
    var name = (state.incident.name || "incident").replace(/[^A-Za-z0-9_-]+/g, "-");
    var entries = timeline(state);
    if (EXERCISE) { name = "EXERCISE-" + name; }
    if (format === "json") {
      // Version 1 of the log format `playbook after-action` reads: the moments, filings and ticks as recorded.
      var ticks = {};
      Object.keys(state.ticks).forEach(function (id) {
        ticks[id] = { at: new Date(state.ticks[id].at).toISOString(), by: state.ticks[id].by || "" };
      });
      download(name + "-log.json", "application/json", JSON.stringify({
        format: "crisis-playbook-log", version: 1, mode: EXERCISE ? "exercise" : "incident",
        exercise: EXERCISE ? { scenario: EXERCISE.scenario || null, speed: EXERCISE.speed,
                               started: new Date(EXERCISE.simStart).toISOString() } : null,
        incident: state.incident.name, started: new Date(state.incident.started).toISOString(),
        exported: new Date(clockNow()).toISOString(), playbook: { organisation: DATA.organisation, version: DATA.version },
        timeZone: state.zone, events: isoMap(state.events), filed: isoMap(state.filed), ticks: ticks,
        findings: callFindings(entries), entries: entries
      }, null, 2));
      return;
    }
    var lines = ["# " + (EXERCISE ? t("EXERCISE") + " \u2014 " : "") + t("Incident log: {name}", { name: state.incident.name ? markdownText(state.incident.name)
                                                                             : t("unnamed incident") }), "",
      t("Playbook of {organisation}, version {version}. Started {started}; exported {exported}.", {
        organisation: markdownText(DATA.organisation), version: markdownText(DATA.version),
        started: show(state.incident.started, state.zone), exported: show(clockNow(), state.zone) }), "",
      "| " + t("Time") + " | " + t("By") + " | " + t("What") + " |", "|---|---|---|"];
    entries.forEach(function (e) {
      lines.push("| " + markdownText(e.local) + " | " + markdownText(e.by) + " | " + markdownText(e.text) + " |");
    });
    var findings = callFindings(entries);
    if (findings.length) {
      lines.push("", "## " + t("Findings"), "");
      findings.forEach(function (finding) { lines.push("- " + markdownText(finding)); });
    }
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
    var name = row(t("Incident name:"), element("input", { type: "text", id: "pb-incident-name", size: "30" }));
    name.value = state.incident.name;
    name.addEventListener("change", function () { state = load(); state.incident.name = name.value; save(state); });
    var statuses = DATA.statuses || [];
    if (statuses.length) {
      // The plan's lifecycle: the current status and those it may become; each change goes into the log.
      var current = statuses.filter(function (s) { return s.id === state.status; })[0] || statuses[0];
      var select = element("select", { id: "pb-status" });
      statuses.forEach(function (s) {
        if (s.id === current.id || current.next.indexOf(s.id) >= 0) {
          var option = select.appendChild(element("option", { value: s.id }, s.name));
          if (s.id === current.id) { option.selected = true; }
        }
      });
      row(t("Status:"), select);
      select.addEventListener("change", function () {
        state = load();
        var next = statuses.filter(function (s) { return s.id === select.value; })[0];
        state.log.push({ at: clockNow(), by: initials(), kind: "status",
                         text: t("status: {from} \u2192 {to}", { from: current.name, to: next.name }) });
        state.status = next.id;
        save(state);
        incidentPanel(root, state);
      });
    }
    var who = row(t("Your initials:"), element("input", { type: "text", id: "pb-initials", size: "5" }));
    who.value = initials();
    who.addEventListener("change", function () { localStorage.setItem(INITIALS, who.value.trim()); });
    root.appendChild(element("p", { "class": "pb-muted" },
      t("Started {started}.", { started: show(state.incident.started, state.zone) }) + " " +
      tn("{count} checklist item ticked.", "{count} checklist items ticked.", Object.keys(state.ticks).length,
         { count: Object.keys(state.ticks).length }) + " " + t("Everything is kept in this browser only.")));

    var note = element("textarea", { id: "pb-note", rows: "2", cols: "50", "aria-label": t("Note for the log"),
                                       placeholder: t("What happened, what was decided") });
    var noteButton = element("button", { type: "button", id: "pb-add-note", "class": "md-button" }, t("Add to the log"));
    noteButton.addEventListener("click", function () {
      if (!note.value.trim()) { return; }
      state = load();
      state.log.push({ at: clockNow(), by: initials(), kind: "note", text: note.value.trim() });
      save(state);
      note.value = "";
      incidentPanel(root, state);
    });
    root.appendChild(note);
    root.appendChild(noteButton);

    var buttons = element("p", { "class": "pb-buttons" });
    [["pb-export-md", t("Export the log (Markdown)"), "md"], ["pb-export-json", t("Export the log (JSON)"), "json"]]
      .forEach(function (spec) {
        var button = element("button", { type: "button", id: spec[0], "class": "md-button" }, spec[1]);
        button.addEventListener("click", function () { exportLog(load(), spec[2]); });
        buttons.appendChild(button);
      });
    var restart = element("button", { type: "button", id: "pb-new-incident", "class": "md-button" },
      t("Start a new incident"));
    restart.addEventListener("click", function () {
      var named = name.value.trim();
      var clearing = t("All ticks, notes, facts and times of the current one are cleared from this browser. " +
                       "Export the log first if you need it.");
      if (!window.confirm((named ? t("Start a new incident named \"{name}\"?", { name: named })
                                 : t("Start a new incident?")) + " " + clearing)) { return; }
      var next = fresh();
      next.incident.name = named;
      save(next);
      window.location.reload();
    });
    buttons.appendChild(restart);
    root.appendChild(buttons);
  }

  /* ---------- Exercise mode: the banner, the exercise panel and the call-tree test ---------- */

  /* The injects of the running exercise with their due times: each counts from its moment (awareness, a phase's
     start, a milestone), once that moment is recorded. */
  function injectTimes(state) {
    return (own(DATA.exercises || {}, EXERCISE && EXERCISE.scenario || "") || []).map(function (inject) {
      var start = momentAt(inject.moment, state.events, state.ticks);
      return { inject: inject, due: start == null ? null : add(start, inject, DATA.timezone, null, null, false) };
    });
  }
  function injectTitle(id) {
    var card = document.getElementById("inject-" + id), heading = card && card.querySelector("h3");
    return heading ? heading.textContent.replace(/\s*\u00b6$/, "") : id;
  }
  /* Every inject whose time has come goes into the log once, at its time, whichever page is open. */
  function revealDue() {
    var state = load(), changed = false, nowAt = clockNow();
    state.revealed = map(state.revealed);
    injectTimes(state).forEach(function (row) {
      if (row.due != null && row.due <= nowAt && state.revealed[row.inject.id] == null) {
        state.revealed[row.inject.id] = row.due;
        state.log.push({ at: row.due, by: "", kind: "inject", inject: row.inject.id,
                         text: "inject: " + injectTitle(row.inject.id) });
        changed = true;
      }
    });
    if (changed) { save(state); }
    return state;
  }
  /* The site's root, from this page's own data.js address (pages sit at different depths). */
  function siteRoot() {
    var script = document.querySelector("script[src$='assets/playbook/data.js']");
    return script ? script.getAttribute("src").replace(/assets\/playbook\/data\.js$/, "") : "";
  }

  /* A band on every page while an exercise runs: EXERCISE, the simulated time, the injects shown and the next
     one (a link to the pack), and how to end it. */
  function exerciseBanner() {
    if (!EXERCISE) { return; }
    // A named region, not a live one: the simulated time changes every second and must not be read out each time.
    var band = element("div", { "class": "pb-exercise-band", role: "region", "aria-label": t("Exercise"),
                                id: "pb-exercise-band" });
    var text = band.appendChild(element("span"));
    var injects = EXERCISE.scenario ? band.appendChild(element("a", {
      id: "pb-exercise-injects", href: siteRoot() + "exercise/" + encodeURIComponent(EXERCISE.scenario) + ".html" })) : null;
    var end = band.appendChild(element("button", { type: "button", "class": "md-button", id: "pb-end-exercise" },
      t("End the exercise")));
    end.addEventListener("click", function () {
      if (!window.confirm(t("End the exercise? Its log stays in this browser until the next exercise starts; export it first."))) { return; }
      localStorage.removeItem(MODE);
      window.location.reload();
    });
    var paint = function () {
      text.textContent = t("EXERCISE") + " \u00b7 " + t("simulated time {time}, {speed}\u00d7 faster", {
        time: show(clockNow(), DATA.timezone), speed: EXERCISE.speed }) +
        (EXERCISE.scenario ? " \u00b7 " + EXERCISE.scenario : "") + " \u00b7 " + t("nothing here is a real incident");
      if (!injects) { return; }
      var state = revealDue(), rows = injectTimes(state), nowAt = clockNow();
      var shown = rows.filter(function (r) { return r.due != null && r.due <= nowAt; }).length;
      var next = rows.filter(function (r) { return r.due != null && r.due > nowAt; })
        .sort(function (a, b) { return a.due - b.due; })[0];
      injects.textContent = t("{shown} of {total} injects shown", { shown: shown, total: rows.length }) +
        (next ? "; " + t("next at {time}", { time: show(next.due, DATA.timezone) }) : "");
    };
    paint();
    window.setInterval(paint, 1000);
    document.body.insertBefore(band, document.body.firstChild);
    document.documentElement.classList.add("pb-exercising");
  }

  /* Start an exercise: a fresh log under the exercise key; awareness is its first simulated moment. */
  function startExercise(scenario, speed) {
    var at = Date.now();
    localStorage.setItem(MODE, JSON.stringify({ scenario: scenario, speed: speed, realStart: at, simStart: at }));
    var next = fresh();
    next.incident = { name: t("Exercise") + (scenario ? ": " + scenario : ""), started: at };
    next.events.awareness = at;
    next.log.push({ at: at, by: initials(), kind: "exercise",
                    text: "exercise started" + (scenario ? ": " + scenario : "") + " at " + speed + "x" });
    localStorage.setItem(DATA.key + "/exercise", JSON.stringify(next));
    window.location.reload();
  }

  function speedChoice(id) {
    var select = element("select", { id: id });
    [1, 10, 60, 600, 3600].forEach(function (speed) {
      var option = select.appendChild(element("option", { value: String(speed) },
        speed === 1 ? t("real time") : t("{speed}\u00d7 faster", { speed: speed })));
      if (speed === 60) { option.selected = true; }
    });
    return select;
  }

  /* The exercise pack's page: start the exercise; while it runs, each inject is shown once its moment is
     recorded and its time on the simulated clock has come, and the reveal goes into the log. */
  function exercisePanel(root) {
    var scenario = root.getAttribute("data-scenario");
    root.innerHTML = "";
    if (!EXERCISE || EXERCISE.scenario !== scenario) {
      var p = root.appendChild(element("p"));
      var label = p.appendChild(element("label", {}, t("Speed of the simulated clock:") + " "));
      var speed = label.appendChild(speedChoice("pb-exercise-speed"));
      var go = p.appendChild(element("button", { type: "button", "class": "md-button md-button--primary", id: "pb-start-exercise" },
        t("Start the exercise")));
      go.addEventListener("click", function () {
        if (EXERCISE && !window.confirm(t("Another exercise is running; its log is replaced. Start this one?"))) { return; }
        startExercise(scenario, +speed.value);
      });
      root.appendChild(element("p", { "class": "pb-muted" }, t("The exercise keeps its own log in this browser: a real incident's log is not touched.")));
      return;
    }
    var status = root.appendChild(element("p", { id: "pb-exercise-status", "aria-live": "polite" }));
    var list = root.appendChild(element("ol", { id: "pb-injects-shown" }));
    var listed = "";
    var reveal = function () {
      var state = revealDue(), next = null, nowAt = clockNow(), rows = injectTimes(state), open = [];
      rows.forEach(function (row) {
        var due = row.due != null && row.due <= nowAt, card = document.getElementById("inject-" + row.inject.id);
        if (card) { card.hidden = !due; }
        if (due) { open.push(row.inject.id); } else if (row.due != null && (next == null || row.due < next)) { next = row.due; }
      });
      var shown = open.length;
      if (open.join(" ") !== listed) {  // rebuilt only when an inject is added: focus in the list stays put
        listed = open.join(" ");
        list.innerHTML = "";
        open.forEach(function (id) {
          list.appendChild(element("li")).appendChild(element("a", { href: "#inject-" + id }, injectTitle(id)));
        });
      }
      var said = t("{shown} of {total} injects shown.", { shown: shown, total: rows.length }) + " " +
        (next != null ? t("Next at {time}.", { time: show(next, DATA.timezone) })
                      : t("The others wait for a moment not yet recorded (the start of a phase): record it on the incident page."));
      if (status.textContent !== said) { status.textContent = said; }  // a live region: said only when it changes
    };
    document.querySelectorAll(".pb-inject").forEach(function (card) { card.hidden = true; });
    reveal();
    window.setInterval(reveal, 1000);
  }

  /* The call-tree test: call each person in the plan's order and record who answered, on which channel and how
     fast; a wrong or stale number is recorded as such (a finding). It runs as an exercise of its own. */
  function callTreePanel(root) {
    var state;
    root.innerHTML = "";
    if (!EXERCISE) {
      var p = root.appendChild(element("p"));
      var go = p.appendChild(element("button", { type: "button", "class": "md-button md-button--primary", id: "pb-start-call-tree" },
        t("Start a call-tree test")));
      go.addEventListener("click", function () { startExercise("", 1); });
      root.appendChild(element("p", { "class": "pb-muted" }, t("It keeps its own log in this browser, marked EXERCISE: a real incident's log is not touched.")));
      return;
    }
    var since = function () { return Math.round((clockNow() - EXERCISE.simStart) / 1000); };
    // In Material's table wrappers, as a Markdown table is: it scrolls sideways on a phone, and scrollables() lets
    // the keyboard reach it.
    var table = root.appendChild(element("div", { "class": "md-typeset__scrollwrap" }))
      .appendChild(element("div", { "class": "md-typeset__table" })).appendChild(element("table", { id: "pb-call-tree" }));
    var head = table.appendChild(element("thead")).appendChild(element("tr"));
    [t("Role"), t("Person"), t("Channel used"), t("Outcome")].forEach(function (text) { head.appendChild(element("th", {}, text)); });
    var body = table.appendChild(element("tbody"));
    (DATA.callTree || []).forEach(function (call) {
      var tr = body.appendChild(element("tr", { "data-call": call.key }));
      tr.appendChild(element("td", {}, call.role + " (" + call.place + ")"));
      tr.appendChild(element("td", {}, call.contact));
      var channel = element("select", { "aria-label": t("Channel used to call {name}", { name: call.contact }) });
      call.channels.forEach(function (c) { channel.appendChild(element("option", { value: c }, c)); });
      tr.appendChild(element("td")).appendChild(channel);
      var outcome = tr.appendChild(element("td"));
      var result = element("span", { "class": "pb-call-result" });
      [["answered", t("Answered")], ["no-answer", t("No answer")], ["wrong-number", t("Wrong or stale number")]]
        .forEach(function (spec) {
          var button = outcome.appendChild(element("button", { type: "button", "class": "md-button pb-call", "data-outcome": spec[0] }, spec[1]));
          button.addEventListener("click", function () {
            state = load();
            var seconds = since();
            state.log.push({ at: clockNow(), by: initials(), kind: "call", call: call.key, outcome: spec[0],
                             channel: channel.value, seconds: seconds,
                             text: "call: " + call.contact + " (" + call.role + ", " + call.place + ") on " + channel.value +
                                   ": " + spec[0] + " after " + seconds + " s" });
            save(state);
            result.textContent = " " + spec[1] + " \u00b7 " + seconds + " s";
          });
        });
      outcome.appendChild(result);
    });
  }

  /* ---------- The incident clock ---------- */

  /* The zones of tzdata (data.js), the playbook's and its offices' first. */
  function zoneChoices(current) {
    var first = [DATA.timezone].concat(DATA.places.map(function (p) { return canonicalZone(p.timezone); }), [current]);
    var zones = [];
    first.concat(DATA.zones).forEach(function (zone) { if (zone && zones.indexOf(zone) < 0) { zones.push(zone); } });
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

  var SOON = 2 * 60 * MINUTE, VERY_SOON = 30 * MINUTE;

  function clockPanel(root, state) {
    root.innerHTML = "";
    var used = ["awareness"], labels = {};
    DATA.regulators.forEach(function (r) {
      r.stages.forEach(function (s) {
        [s.clock, s.limit].forEach(function (c) {
          if (c && c.event && used.indexOf(c.from) < 0) { used.push(c.from); }
        });
      });
    });
    (DATA.itemClocks || []).forEach(function (c) {
      if (own(DATA.events, c.start) != null && used.indexOf(c.start) < 0) { used.push(c.start); }
    });
    used.forEach(function (event) {
      var name = eventName(event);  // the generator's words for the event, in the site's language
      labels[event] = name.charAt(0).toUpperCase() + name.slice(1) + " (" + own(DATA.events, event) + ")";
    });
    // The start of a phase, a milestone: moments checklist deadlines count from (a milestone also by a tick).
    var named = function (key) {
      var moment = (DATA.moments || []).filter(function (m) { return m.key === key; })[0];
      return moment ? moment.label : eventName(key);
    };
    (DATA.moments || []).forEach(function (m) {
      used.push(m.key);
      labels[m.key] = m.markedBy ? t("{moment} (or tick \u201c{item}\u201d)", { moment: m.label, item: m.marker }) : m.label;
    });
    // The deadline list comes first: in the worst hour it is what the page is for.
    var warnings = root.appendChild(element("div", { id: "pb-order", role: "alert" }));
    var table = root.appendChild(element("table", { id: "pb-deadlines" }));
    var form = root.appendChild(element("div", { "class": "pb-form" }));
    var zones = form.appendChild(element("p"));
    var zone = zoneSelect("pb-zone", state.zone), showZone = zoneSelect("pb-show-zone", state.showZone);
    var zoneLabel = zones.appendChild(element("label", {}, t("Times below are typed in:") + " "));
    zoneLabel.appendChild(zone);
    zones.appendChild(document.createTextNode(" "));
    var showLabel = zones.appendChild(element("label", {}, t("Deadlines are shown in:") + " "));
    showLabel.appendChild(showZone);
    var inputs = {}, echoes = {};
    used.forEach(function (event) {
      var p = form.appendChild(element("p", { "class": "pb-moment" }));
      var input = element("input", { type: "datetime-local", id: "pb-event-" + event.replace(":", "-"), "data-event": event });
      input.value = own(state.typed, event) || (state.events[event] != null ? localValue(state.events[event], state.zone) : "");
      var label = p.appendChild(element("label", {}, labels[event] + ": "));
      label.appendChild(input);
      var now = p.appendChild(element("button", { type: "button", "class": "md-button pb-now", id: "pb-now-" + event.replace(":", "-") },
        t("Now")));
      now.addEventListener("click", function () {
        input.value = localValue(clockNow(), zone.value);
        recompute();
      });
      echoes[event] = p.appendChild(element("span", { "class": "pb-echo", id: "pb-echo-" + event.replace(":", "-"), "aria-live": "polite" }));
      inputs[event] = input;
    });

    /* Each typed time is read in the entry zone and echoed in words and UTC; a time the clocks
       skipped or showed twice says how it was read and offers the other reading. */
    var readAll = function () {
      Object.keys(inputs).forEach(function (event) {
        var echo = echoes[event], value = inputs[event].value, read = readLocal(value, state.zone);
        echo.textContent = "";
        echo.className = "pb-echo";
        if (!value) { delete state.events[event]; delete state.typed[event]; return; }
        if (read == null) { echo.textContent = t("Not a date and time."); return; }
        if (read.error) { echo.textContent = read.error; echo.className = "pb-echo pb-problem"; delete state.events[event]; return; }
        var chosen = own(state.events, event);
        var ms = read.kind === "twice" && (chosen === read.alt) ? read.alt : read.ms;
        var logged = own(state.events, event) !== ms;
        state.events[event] = ms;
        state.typed[event] = value;
        echo.textContent = t("read as {time} = {utc}", { time: show(ms, state.zone), utc: showUTC(ms) });
        if (read.kind === "gap") {
          echo.textContent += ". " + t("This time does not exist in {zone} (the clocks went forward); it was read " +
            "as the time shown.", { zone: state.zone });
          echo.className = "pb-echo pb-problem";
        } else if (read.kind === "twice") {
          var otherMs = ms === read.ms ? read.alt : read.ms;
          echo.textContent += ". " + t("This time happened twice in {zone} (the clocks went back).", { zone: state.zone }) + " ";
          echo.className = "pb-echo pb-problem";
          var swap = echo.appendChild(element("button", { type: "button", "class": "md-button pb-other-time" },
            t("Use the other one: {time} = {utc}", { time: show(otherMs, state.zone), utc: showUTC(otherMs) })));
          swap.addEventListener("click", function () {
            state = load();
            state.events[event] = otherMs;
            state.log.push({ at: clockNow(), by: initials(), kind: "moment",
                             text: t("{moment} recorded as {time} ({utc})", { moment: named(event),
                                     time: show(otherMs, state.zone), utc: showUTC(otherMs) }) });
            save(state);
            readAll();
            save(state);
            render();
          });
        }
        if (logged) {
          state.log.push({ at: clockNow(), by: initials(), kind: "moment",
                           text: t("{moment} recorded as {time} ({utc})", { moment: named(event),
                                   time: show(ms, state.zone), utc: showUTC(ms) }) });
        }
      });
    };
    var recompute = function () {
      state = load();
      readAll();
      save(state);
      render();
    };
    var fileStage = function (row, at) {
      state = load();
      var key = row.regulator.id + "/" + row.stage.id;
      if (at == null) { delete state.filed[key]; } else { state.filed[key] = at; }
      state.log.push({ at: clockNow(), by: initials(), kind: at == null ? "unfiled" : "filed",
                       text: at == null
                         ? t("no longer marked as filed: {regulator}: {stage}", { regulator: row.regulator.name,
                                                                                  stage: row.stage.name })
                         : t("filed: {regulator}: {stage} at {time} ({utc})", { regulator: row.regulator.name,
                             stage: row.stage.name, time: show(at, state.zone), utc: showUTC(at) }) });
      save(state);
      render();
    };
    var render = function () {
      var rows = deadlines(state.events, state.filed), shown = state.showZone;
      warnings.innerHTML = "";
      orderProblems(state.events).forEach(function (text) {
        warnings.appendChild(element("p", { "class": "pb-problem" }, text));
      });
      table.innerHTML = "";
      var head = table.appendChild(element("thead")).appendChild(element("tr"));
      [t("Due ({zone})", { zone: shown }), t("Due (UTC)"), t("Regulator: stage"), t("Time left"), t("Filed")].forEach(function (text) {
        head.appendChild(element("th", {}, text));
      });
      var body = table.appendChild(element("tbody"));
      // Checklist deadlines join the regulators' in one list, soonest first; those still waiting come last.
      var when = function (r) { return r.due != null ? r.due : (r.hint != null ? r.hint : null); };
      var all = rows.concat(itemDeadlines(state.events, state.ticks, state.zone));
      all = all.map(function (r, i) { return [r, i]; }).sort(function (a, b) {
        var x = when(a[0]), y = when(b[0]);
        if (x == null || y == null) { return x == null && y == null ? a[1] - b[1] : (x == null ? 1 : -1); }
        return x - y || a[1] - b[1];
      }).map(function (pair) { return pair[0]; });
      all.forEach(function (row) {
        if (row.item) { itemRow(body, row, shown); return; }
        var tr = body.appendChild(element("tr", { "data-regulator": row.regulator.id, "data-stage": row.stage.id,
                                                  "data-status": row.status }));
        tr.appendChild(element("td", { "class": "pb-due" }, row.due != null ? show(row.due, shown) : "—"));
        tr.appendChild(element("td", {}, row.due != null ? showUTC(row.due) : "—"));
        var what = tr.appendChild(element("td", { "class": "pb-what" }, row.regulator.name + ": " + row.stage.name +
          (row.status === "due" ? "" : " [" + statusWords(row.status) + "]")));
        if (row.due != null) { what.appendChild(element("small", { "class": "pb-why" }, row.why)); }
        if (row.stage.every && row.due != null) {
          // A report that repeats (daily updates): the next time from now, and which time it is.
          var next = row.due, count = 1, zoneOf = (row.regulator.calendar && row.regulator.calendar.timezone) ||
            DATA.timezone;
          while (next < clockNow() && count < 100000) {
            next = add(next, row.stage.every, zoneOf, row.regulator.calendar, row.regulator.counting, false);
            count += 1;
          }
          what.appendChild(element("small", { "class": "pb-repeat" }, row.stage.repeat + (count > 1 ? " " +
            t("Next: time {count}, {time} = {utc}.", { count: count, time: show(next, shown), utc: showUTC(next) }) : "")));
        }
        row.notes.forEach(function (note) { what.appendChild(element("small", { "class": "pb-note" }, note)); });
        if (row.other != null) {
          what.appendChild(element("small", { "class": "pb-other" },
            t("Other reading: {time} = {utc}", { time: show(row.other, shown), utc: showUTC(row.other) })));
        }
        var left = tr.appendChild(element("td", { "class": "pb-left",
          "data-due": row.due == null || row.filed != null ? "" : String(row.due) }, row.due == null ? row.why : ""));
        if (row.due == null && row.hint != null) {
          left.appendChild(element("strong", { "class": "pb-hint" },
            " " + row.stage.texts.hint + " " + show(row.hint, shown) + " = " + showUTC(row.hint) + "."));
          var event = row.stage.clock.from, use = left.appendChild(element("button", {
            type: "button", "class": "md-button pb-use-awareness", "data-event": event }, t("Use awareness as {event}", { event: eventName(event) })));
          use.addEventListener("click", function () {
            if (inputs[event]) { inputs[event].value = inputs.awareness.value; recompute(); }
          });
        }
        var filedCell = tr.appendChild(element("td", { "class": "pb-filed" }));
        if (row.filed != null) {
          filedCell.textContent = show(row.filed, shown) + " ";
          var undo = filedCell.appendChild(element("button", { type: "button", "class": "md-button pb-unfile" }, t("Not filed")));
          undo.addEventListener("click", function () { fileStage(row, null); });
        } else if (row.status === "due" || row.status === "outer limit" || row.status === "no fixed period") {
          var button = filedCell.appendChild(element("button", { type: "button", "class": "md-button pb-file-now" },
            t("Filed now")));
          button.addEventListener("click", function () { fileStage(row, clockNow()); });
        }
      });
      tick();
    };
    var itemRow = function (body, row, shown) {
      var c = row.item, status = row.done != null ? "done" : (row.due != null ? "due" : "waiting");
      var tr = body.appendChild(element("tr", { "data-item": c.id, "data-status": status, "class": "pb-item-row" }));
      tr.appendChild(element("td", { "class": "pb-due" }, row.due != null ? show(row.due, shown) : "—"));
      tr.appendChild(element("td", {}, row.due != null ? showUTC(row.due) : "—"));
      var what = tr.appendChild(element("td", { "class": "pb-what" }, t("Checklist:") + " " + c.action +
        (c.owner ? " — " + c.owner : "") + " (" + c.phase + ")" + (status === "waiting" ? " [" + t("waiting") + "]" : "") +
        (row.occurrence ? " [" + t("time {count}", { count: row.occurrence }) + "]" : "")));
      what.appendChild(element("small", { "class": "pb-why" }, row.why));
      tr.appendChild(element("td", { "class": "pb-left",
        "data-due": row.due == null || row.done != null ? "" : String(row.due) },
        row.due == null ? t("Enter the time of {moment}.", { moment: named(c.start) }) : ""));
      tr.appendChild(element("td", { "class": "pb-filed" },
        row.done != null ? t("Ticked {time}", { time: show(row.done, shown) }) : (c.every ? t("Repeats") : t("Not ticked"))));
    };
    var tick = function () {
      var now = clockNow();
      table.querySelectorAll("td.pb-left[data-due]").forEach(function (cell) {
        var due = cell.getAttribute("data-due"), tr = cell.parentNode;
        if (!due) { return; }
        var left = +due - now;
        cell.textContent = left >= 0 ? t("in {left}", { left: span(left) }) : t("OVERDUE by {late}", { late: span(left) });
        tr.classList.toggle("pb-overdue", left < 0);
        tr.classList.toggle("pb-soon", left >= 0 && left <= SOON);
        tr.classList.toggle("pb-very-soon", left >= 0 && left <= VERY_SOON);
      });
    };
    zone.addEventListener("change", function () {
      // The typed wall-clock times are read again in the new zone: they are what the person saw.
      state = load();
      state.zone = zone.value;
      readAll();
      save(state);
      render();
    });
    showZone.addEventListener("change", function () {
      state = load();
      state.showZone = showZone.value;
      save(state);
      render();
    });
    Object.keys(inputs).forEach(function (event) { inputs[event].addEventListener("change", recompute); });
    readAll();
    render();
    window.setInterval(tick, 1000);
  }

  /* ---------- Coordinated release ---------- */

  function releasePanel(root, state) {
    root.innerHTML = "";
    var zone = zoneSelect("pb-release-zone", (state.release && state.release.zone) || DATA.timezone);
    zone.setAttribute("aria-label", t("Time zone of the release time"));  // the label names only the time
    var when = element("input", { type: "datetime-local", id: "pb-release-time" });
    if (state.release) { when.value = localValue(state.release.at, state.release.zone); }
    var label = element("label", {}, t("Release at:") + " ");
    label.appendChild(when);
    label.appendChild(document.createTextNode(" " + t("in") + " "));
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
      [t("Where"), t("Time zone"), t("Local time")].forEach(function (text) { head.appendChild(element("th", {}, text)); });
      var body = table.appendChild(element("tbody"));
      DATA.places.forEach(function (place) {
        var tr = body.appendChild(element("tr"));
        [place.name, place.timezone, show(at, place.timezone)].forEach(function (text) {
          tr.appendChild(element("td", {}, text));
        });
      });
      if (DATA.embargoed.length) {
        embargo.textContent = t("Embargo lifts for {audiences} at {time} ({utc}): brief them before, under embargo " +
          "until then.", { audiences: DATA.embargoed.join(", "), time: show(at, zone.value), utc: showUTC(at) });
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
        placeholder: fact.example ? t("e.g. {example}", { example: fact.example }) : "" }));
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

  /* `text` comes marked for an exercise already (marked, markedCommand): a command is marked otherwise than prose. */
  function copy(text, button) {
    var label = button.textContent;
    var done = function () { button.textContent = t("Copied"); window.setTimeout(function () { button.textContent = label; }, 2000); };
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

  /* A command written in backticks in a checklist item or note gets a Copy button beside it. */
  function commandCopy() {
    document.querySelectorAll("code.pb-code").forEach(function (code) {
      if (code.nextElementSibling && code.nextElementSibling.classList.contains("pb-copy-code")) { return; }
      var button = element("button", { type: "button", "class": "pb-copy-code", "aria-label": t("Copy {text}", { text: code.textContent }) }, t("Copy"));
      button.addEventListener("click", function () { copy(markedCommand(code.textContent), button); });
      code.after(button);
    });
  }

  /* The theme's own copy button on every code block (Material's and Zensical's, both clipboard.js) copies the
     block's text as shown. During an exercise that text must carry the mark like every other copy: clipboard.js
     takes `data-clipboard-text` before its target's text, and a listener of the capture phase runs before its
     click handler (delegated to the body), so the marked text is set on the button just in time. A message is
     marked in front and its copy logged under the composer's name for it (`data-message`); any other block is
     marked as a command. */
  function markThemeCopies() {
    if (!EXERCISE) { return; }
    document.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("button[data-clipboard-target]") : null;
      var block = button ? document.querySelector(button.getAttribute("data-clipboard-target")) : null;
      if (!block) { return; }
      var text = block.innerText.replace(/\s+$/, "");
      var message = block.closest(".pb-message[id^='message-']");
      if (!message) { button.setAttribute("data-clipboard-text", markedCommand(text)); return; }
      button.setAttribute("data-clipboard-text", marked(text));
      var id = message.id.slice("message-".length), current = load();
      current.log.push({ at: clockNow(), by: initials(), kind: "copied", message: id, text: "message copied: " + id });
      save(current);
    }, true);
  }

  /* An approval, recorded as it comes: who approved which message, and when (the after-action report checks the
     plan's rule against it). */
  function approvalRecorder(panel, id) {
    var rule = own(DATA.approvals || {}, id);
    if (!rule) { return; }
    var p = element("p", { "class": "pb-approval" });
    var label = p.appendChild(element("label", {}, t("Approved by:") + " "));
    var role = label.appendChild(element("select", { "class": "pb-approver" }));
    rule.approvers.forEach(function (r) { role.appendChild(element("option", { value: r.id }, r.name)); });
    var record = p.appendChild(element("button", { type: "button", "class": "md-button pb-record-approval" },
      t("Record the approval")));
    var said = p.appendChild(element("span", { "class": "pb-muted", "aria-live": "polite" }));
    record.addEventListener("click", function () {
      var current = load(), name = role.options[role.selectedIndex].text;
      current.log.push({ at: clockNow(), by: initials(), kind: "approved", message: id, role: role.value,
                         text: "approved: " + id + " by " + name });
      save(current);
      said.textContent = " " + t("Recorded: {name}.", { name: name });
    });
    panel.appendChild(p);
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
        ? t("Still empty: {blanks}.", { blanks: blanks.map(function (b) { return "[[ " + b + " ]]"; }).join(", ") })
        : t("Every blank is filled.")));
      if (max) {
        panel.appendChild(element("p", { "class": text.length > max ? "pb-too-long" : "" },
          text.length > max ? t("{count} of {max} characters: too long.", { count: text.length, max: max })
                            : t("{count} of {max} characters.", { count: text.length, max: max })));
      } else {
        panel.appendChild(element("p", {}, tn("{count} character.", "{count} characters.", text.length,
                                               { count: text.length })));
      }
      // A message written in several languages has a composer per language: its button names the language.
      var language = panel.getAttribute("data-language");
      var button = element("button", { type: "button", "class": "md-button md-button--primary pb-copy" }, language
        ? t("Copy the filled text ({language})", { language: language }) : t("Copy the filled text"));
      button.addEventListener("click", function () {
        var current = load();
        copy(marked(filledText(body.querySelector("code") || body, current.facts)), button);
        current.log.push({ at: clockNow(), by: initials(), kind: "copied", message: id, text: "message copied: " + id });
        save(current);
      });
      panel.appendChild(button);
      approvalRecorder(panel, id);
      var edit = element("a", { href: panel.getAttribute("data-facts-href") || "#" }, t("Fill in the incident facts"));
      panel.appendChild(document.createTextNode(" "));
      panel.appendChild(edit);
    });
  }

  /* ---------- Start ---------- */

  /* An offline copy ages on a USB stick: say so once its review date has passed. */
  function reviewWarning() {
    var f = fields(clockNow(), DATA.timezone);
    var today = f.y + "-" + pad(f.m) + "-" + pad(f.d);
    var article = document.querySelector("article.md-content__inner");
    if (today <= DATA.nextReview || !article) { return; }
    var box = element("div", { "class": "admonition warning pb-review-passed" });
    box.appendChild(element("p", { "class": "admonition-title" }, t("This copy may be out of date")));
    box.appendChild(element("p", {}, t("Version {version} was due for review on {date}. Check that you have the current " +
      "version, and that the phone numbers still work.", { version: DATA.version, date: showDate(DATA.nextReview) })));
    article.insertBefore(box, article.firstChild);
  }

  /* Say so on every page while a stored incident that could not be read is kept aside. */
  function unreadableWarning() {
    var article = document.querySelector("article.md-content__inner");
    var keys = [];
    for (var i = 0; i < localStorage.length; i += 1) {
      if (localStorage.key(i).indexOf(BACKUP) === 0) { keys.push(localStorage.key(i)); }
    }
    if (!keys.length || !article) { return; }
    var box = element("div", { "class": "admonition danger pb-unreadable", role: "alert" });
    box.appendChild(element("p", { "class": "admonition-title" }, t("A stored incident could not be read")));
    box.appendChild(element("p", {}, tn("This browser held incident data that could not be read. It was not deleted: it is " +
      "kept unchanged under the key {keys}, and a new log was started. Download it before clearing this browser's data.",
      "This browser held incident data that could not be read. It was not deleted: it is kept unchanged under the keys " +
      "{keys}, and a new log was started. Download it before clearing this browser's data.", keys.length,
      { keys: keys.join(", ") })));
    keys.forEach(function (key) {
      var button = box.appendChild(element("button", { type: "button", "class": "md-button pb-download-unreadable" },
        t("Download {key}", { key: key.slice(BACKUP.length) })));
      button.addEventListener("click", function () {
        download("unreadable-incident-" + key.slice(BACKUP.length).replace(/[^0-9A-Za-z-]/g, "-") + ".txt",
                 "text/plain", localStorage.getItem(key) || "");
      });
    });
    article.insertBefore(box, article.firstChild);
  }

  /* ---------- Keyboard access ---------- */

  /* A table wider than the page scrolls sideways inside Material's wrapper: a keyboard user can
     scroll it only if the wrapper takes focus (WCAG 2.1.1). Only wrappers that do scroll become tab
     stops, re-checked when the window changes size. */
  function scrollables() {
    document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset__table").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", t("Table (scrolls sideways)"));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  /* The title of the section an element sits in: the text of the nearest heading before it. */
  function sectionTitle(node) {
    var headings = document.querySelectorAll("article h1, article h2, article h3, article h4");
    var title = "";
    headings.forEach(function (heading) {
      if (heading.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) {
        title = heading.textContent.replace(/\u00b6/g, "").replace(/\s+/g, " ").trim();
      }
    });
    return title;
  }

  /* Landmarks a screen reader lists must have names that tell them apart (axe: landmark-unique).
     Material names each nested navigation section by its expand toggle, which holds only an icon
     (so the toggle, a tab stop, has no name either: it gets the section's name as hidden text),
     and adds an unnamed <nav> to every code block for its copy button; the sideways-scrolling
     tables are regions too. Each takes the name of what it belongs to. */
  function landmarkNames() {
    document.querySelectorAll(".md-nav__container > label.md-nav__link[id]").forEach(function (label) {
      var link = label.parentNode.querySelector("a.md-nav__link");
      var name = link ? link.textContent.replace(/\s+/g, " ").trim() : "";
      if (name && !label.textContent.trim()) {
        label.appendChild(element("span", { class: "pb-hidden-name" }, name));
      }
    });
    var used = {};
    function unique(name) {
      used[name] = (used[name] || 0) + 1;
      return used[name] > 1 ? name + " (" + used[name] + ")" : name;
    }
    document.querySelectorAll("[role=region].md-typeset__scrollwrap, [role=region].md-typeset__table")
      .forEach(function (wrap) {
        var title = sectionTitle(wrap);
        wrap.setAttribute("aria-label", unique(title ? t("Table: {title}, scrolls sideways", { title: title })
                                                     : t("Table, scrolls sideways")));
      });
    document.querySelectorAll("nav.md-code__nav:not([aria-label])").forEach(function (nav) {
      var title = sectionTitle(nav);
      nav.setAttribute("aria-label", unique(title ? t("Copy text: {title}", { title: title }) : t("Copy text")));
    });
  }

  /* Material scrolls the table of contents and tab bars with behavior "smooth"; a reader who asked
     the system for reduced motion gets the jump without the animation. */
  function reduceMotion() {
    if (!window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches) { return; }
    ["scrollTo", "scrollBy"].forEach(function (name) {
      [Element.prototype, window].forEach(function (target) {
        var original = target[name];
        if (!original) { return; }
        target[name] = function (options) {
          if (options && typeof options === "object" && options.behavior === "smooth") {
            options = Object.assign({}, options, { behavior: "auto" });
            return original.call(this, options);
          }
          return original.apply(this, arguments);
        };
      });
    });
  }

  /* The footer says how old this copy is, not only its date: a stick in a drawer gets old. */
  function age() {
    document.querySelectorAll(".pb-built[data-built]").forEach(function (node) {
      var built = Date.parse(node.getAttribute("data-built") + "T00:00:00Z");
      if (isNaN(built)) { return; }
      var today = new Date(), days = Math.floor((Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()) - built) / 86400000);
      if (days < 0) { return; }
      var words = days === 0 ? t("today") : days === 1 ? t("yesterday")
        : tn("{count} day ago", "{count} days ago", days, { count: days });
      node.appendChild(element("span", { "class": "pb-age" }, " (" + words + ")"));
    });
  }

  function start() {
    var state = load();
    age();
    reduceMotion();
    scrollables();
    landmarkNames();
    window.addEventListener("load", function () { scrollables(); landmarkNames(); });
    window.addEventListener("resize", function () { scrollables(); landmarkNames(); });
    unreadableWarning();
    reviewWarning();
    checklists(state);
    commandCopy();
    markThemeCopies();
    progress(state);
    composer(state);
    exerciseBanner();
    var panels = { "pb-incident": incidentPanel, "pb-clock": clockPanel, "pb-release": releasePanel,
                   "pb-facts": factsPanel, "pb-applies": appliesPanel, "pb-exercise": exercisePanel,
                   "pb-calltree": callTreePanel };
    Object.keys(panels).forEach(function (id) {
      var root = document.getElementById(id);
      if (root) { panels[id](root, state); }
    });
    // Facts typed in another tab fill this page's messages as they are typed.
    window.addEventListener("storage", function (event) {
      if (event.key === STORE) { composer(load()); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
