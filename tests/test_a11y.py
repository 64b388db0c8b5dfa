"""The accessibility repairs to markup the generator does not write itself."""

from __future__ import annotations

from pathlib import Path

import material

from generator.a11y import THEME_OVERRIDES, label_task_boxes, untab_hidden_palette

BOX = ('<label class="task-list-control"><input type="checkbox" disabled/>'
       '<span class="task-list-indicator"></span></label>')


def test_a_tick_box_is_named_after_the_first_line_of_its_item() -> None:
    html = (f'<ul class="task-list">\n<li class="task-list-item">{BOX} <span class="pb-item" id="item-a"></span>'
            '<strong>Call the insurer&#39;s &amp; &quot;DP&quot; <em>hotline</em>.</strong><br>\n'
            '  <a href="x.html">Legal counsel</a></li>\n</ul>')
    assert label_task_boxes(html) == html.replace(
        '<input type="checkbox" disabled/>',
        '<input type="checkbox" disabled aria-label="Call the insurer&#39;s &amp; &#34;DP&#34; hotline."/>')


def test_plain_and_paragraph_task_items_are_named_too() -> None:
    plain = '<li class="task-list-item"><input type="checkbox" checked/> Done <b>now</b>\n<ul><li>sub</li></ul></li>'
    assert label_task_boxes(plain) == plain.replace('checked/>', 'checked aria-label="Done now"/>')
    loose = f'<li class="task-list-item"><p>{BOX} First</p>\n<p>Second</p></li>'
    assert label_task_boxes(loose) == loose.replace('disabled/>', 'disabled aria-label="First"/>')


def test_a_named_box_an_empty_item_and_other_checkboxes_are_left_alone() -> None:
    named = '<li class="task-list-item"><input type="checkbox" aria-label="Mine"/> Text</li>'
    empty = f'<li class="task-list-item">{BOX}</li>'
    other = '<li><input type="checkbox"/> Not a task</li>'
    for html in (named, empty, other):
        assert label_task_boxes(html) == html


def test_the_search_partial_differs_from_materials_only_by_the_dialog_name() -> None:
    ours = (THEME_OVERRIDES / "partials" / "search.html").read_text(encoding="utf-8")
    theirs = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(encoding="utf-8")
    body = ours.split("-#}\n", 1)[1]
    assert body == theirs.split("-#}\n", 1)[1].replace(
        'role="dialog">', 'role="dialog" aria-label="{{ lang.t(\'search\') }}">', 1)


def test_zensicals_hidden_palette_option_leaves_the_tab_order() -> None:
    html = ('<form class="md-header__option" data-md-component="palette"><input class="md-option" '
            'data-md-color-scheme="default"  aria-hidden="true"  type="radio" name="__palette" id="__palette_0">'
            '</form><input type="radio" name="__palette" id="__palette_1">')
    assert untab_hidden_palette(html) == html.replace('<input class="md-option"',
                                                      '<input tabindex="-1" class="md-option"', 1)
    assert untab_hidden_palette(untab_hidden_palette(html)) == untab_hidden_palette(html)  # once
