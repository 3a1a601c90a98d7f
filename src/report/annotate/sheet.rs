//! One sheet of the input, copied: values, formulas with their cached results, merged
//! ranges, widths and heights, the input's cell styles, and the marks of the findings.

use super::*;

pub(super) const MAX_ROW: u32 = 1_048_575;
pub(super) const MAX_COL: u32 = 16_383;
/// Formatting kept beyond a sheet's last row / column with a value.
pub(super) const REACH_ROWS: u32 = 200;
pub(super) const REACH_COLS: u32 = 50;
/// Largest merged range copied, and largest total of merged cells per sheet.
pub(super) const MAX_MERGE_AREA: u64 = 1_000_000;
pub(super) const MAX_MERGED_CELLS: u64 = 4_000_000;

/// Excel's standard error values, which a formula can hold as a constant (`=#N/A`).
pub(super) const ERROR_LITERALS: [&str; 7] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
];

pub(super) fn number_f64(v: &rust_decimal::Decimal) -> Option<f64> {
    v.to_string().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A number format for a number whose style is not known, from what the reader saw.
pub(super) fn fallback_num_format(v: &Value) -> Option<String> {
    let Value::Number {
        percent, decimals, ..
    } = v
    else {
        return None;
    };
    let dec = |d: u32| {
        if d == 0 {
            String::new()
        } else {
            format!(".{}", "0".repeat(d.min(15) as usize))
        }
    };
    match (percent, decimals) {
        (true, Some(d)) => Some(format!("0{}%", dec(*d))),
        (true, None) => Some("0.00%".into()),
        (false, Some(d)) => Some(format!("0{}", dec(*d))),
        (false, None) => None,
    }
}

pub(super) fn border_of(l: LineStyle) -> FormatBorder {
    match l {
        LineStyle::Thin => FormatBorder::Thin,
        LineStyle::Medium => FormatBorder::Medium,
        LineStyle::Dashed => FormatBorder::Dashed,
        LineStyle::Dotted => FormatBorder::Dotted,
        LineStyle::Thick => FormatBorder::Thick,
        LineStyle::Double => FormatBorder::Double,
        LineStyle::Hair => FormatBorder::Hair,
        LineStyle::MediumDashed => FormatBorder::MediumDashed,
        LineStyle::DashDot => FormatBorder::DashDot,
        LineStyle::MediumDashDot => FormatBorder::MediumDashDot,
        LineStyle::DashDotDot => FormatBorder::DashDotDot,
        LineStyle::MediumDashDotDot => FormatBorder::MediumDashDotDot,
        LineStyle::SlantDashDot => FormatBorder::SlantDashDot,
    }
}

pub(super) fn pattern_of(p: FillPattern) -> FormatPattern {
    match p {
        FillPattern::Solid => FormatPattern::Solid,
        FillPattern::MediumGray => FormatPattern::MediumGray,
        FillPattern::DarkGray => FormatPattern::DarkGray,
        FillPattern::LightGray => FormatPattern::LightGray,
        FillPattern::DarkHorizontal => FormatPattern::DarkHorizontal,
        FillPattern::DarkVertical => FormatPattern::DarkVertical,
        FillPattern::DarkDown => FormatPattern::DarkDown,
        FillPattern::DarkUp => FormatPattern::DarkUp,
        FillPattern::DarkGrid => FormatPattern::DarkGrid,
        FillPattern::DarkTrellis => FormatPattern::DarkTrellis,
        FillPattern::LightHorizontal => FormatPattern::LightHorizontal,
        FillPattern::LightVertical => FormatPattern::LightVertical,
        FillPattern::LightDown => FormatPattern::LightDown,
        FillPattern::LightUp => FormatPattern::LightUp,
        FillPattern::LightGrid => FormatPattern::LightGrid,
        FillPattern::LightTrellis => FormatPattern::LightTrellis,
        FillPattern::Gray125 => FormatPattern::Gray125,
        FillPattern::Gray0625 => FormatPattern::Gray0625,
    }
}

/// A rust_xlsxwriter format for a cell: its style (if known), a number format when the
/// style has none, and the mark colour replacing the fill.
pub(super) fn make_format(
    style: Option<&CellStyle>,
    num_format: Option<&str>,
    mark: Option<u32>,
) -> Format {
    let mut f = Format::new();
    if let Some(code) = num_format
        && !code.eq_ignore_ascii_case("general")
        && !code.is_empty()
    {
        f = f.set_num_format(code);
    }
    if let Some(s) = style {
        if let Some(font) = &s.font {
            if let Some(name) = font
                .name
                .as_deref()
                .filter(|n| !n.is_empty() && n.chars().count() <= 31)
            {
                f = f.set_font_name(name);
            }
            if let Some(size) = font
                .size
                .filter(|s| s.is_finite() && *s >= 1.0 && *s <= 409.0)
            {
                f = f.set_font_size(size);
            }
            if font.bold {
                f = f.set_bold();
            }
            if font.italic {
                f = f.set_italic();
            }
            if font.strikethrough {
                f = f.set_font_strikethrough();
            }
            f = match font.underline {
                read::Underline::None => f,
                read::Underline::Single => f.set_underline(FormatUnderline::Single),
                read::Underline::Double => f.set_underline(FormatUnderline::Double),
                read::Underline::SingleAccounting => {
                    f.set_underline(FormatUnderline::SingleAccounting)
                }
                read::Underline::DoubleAccounting => {
                    f.set_underline(FormatUnderline::DoubleAccounting)
                }
            };
            if let Some(c) = font.color {
                f = f.set_font_color(Color::RGB(c));
            }
        }
        if mark.is_none()
            && let Some(fill) = &s.fill
        {
            if fill.pattern == FillPattern::Solid {
                if let Some(c) = fill.foreground.or(fill.background) {
                    f = f
                        .set_pattern(FormatPattern::Solid)
                        .set_background_color(Color::RGB(c));
                }
            } else {
                f = f.set_pattern(pattern_of(fill.pattern));
                if let Some(c) = fill.foreground {
                    f = f.set_foreground_color(Color::RGB(c));
                }
                if let Some(c) = fill.background {
                    f = f.set_background_color(Color::RGB(c));
                }
            }
        }
        if let Some(b) = &s.borders {
            type Side<'a> = (
                &'a Option<read::BorderLine>,
                fn(Format, FormatBorder) -> Format,
                fn(Format, Color) -> Format,
            );
            let sides: [Side; 4] = [
                (&b.left, Format::set_border_left, |f, c| {
                    f.set_border_left_color(c)
                }),
                (&b.right, Format::set_border_right, |f, c| {
                    f.set_border_right_color(c)
                }),
                (&b.top, Format::set_border_top, |f, c| {
                    f.set_border_top_color(c)
                }),
                (&b.bottom, Format::set_border_bottom, |f, c| {
                    f.set_border_bottom_color(c)
                }),
            ];
            for (line, set, colour) in sides {
                if let Some(l) = line {
                    f = set(f, border_of(l.style));
                    if let Some(c) = l.color {
                        f = colour(f, Color::RGB(c));
                    }
                }
            }
            let diagonal = b.diagonal_down.or(b.diagonal_up);
            if let Some(l) = diagonal {
                let kind = match (b.diagonal_down.is_some(), b.diagonal_up.is_some()) {
                    (true, true) => FormatDiagonalBorder::BorderUpDown,
                    (true, false) => FormatDiagonalBorder::BorderDown,
                    _ => FormatDiagonalBorder::BorderUp,
                };
                f = f
                    .set_border_diagonal(border_of(l.style))
                    .set_border_diagonal_type(kind);
                if let Some(c) = l.color {
                    f = f.set_border_diagonal_color(Color::RGB(c));
                }
            }
        }
        if let Some(a) = &s.alignment {
            f = match a.horizontal {
                HAlign::General => f,
                HAlign::Left => f.set_align(FormatAlign::Left),
                HAlign::Center => f.set_align(FormatAlign::Center),
                HAlign::Right => f.set_align(FormatAlign::Right),
                HAlign::Fill => f.set_align(FormatAlign::Fill),
                HAlign::Justify => f.set_align(FormatAlign::Justify),
                HAlign::CenterContinuous => f.set_align(FormatAlign::CenterAcross),
                HAlign::Distributed => f.set_align(FormatAlign::Distributed),
            };
            f = match a.vertical {
                VAlign::Bottom => f,
                VAlign::Top => f.set_align(FormatAlign::Top),
                VAlign::Center => f.set_align(FormatAlign::VerticalCenter),
                VAlign::Justify => f.set_align(FormatAlign::VerticalJustify),
                VAlign::Distributed => f.set_align(FormatAlign::VerticalDistributed),
            };
            if a.wrap {
                f = f.set_text_wrap();
            }
            if a.shrink {
                f = f.set_shrink();
            }
            if a.indent > 0 {
                f = f.set_indent(a.indent.min(250));
            }
            match a.rotation {
                r @ 1..=90 => f = f.set_rotation(r as i16),
                r @ 91..=180 => f = f.set_rotation(-((r - 90) as i16)),
                255 => f = f.set_rotation(270),
                _ => {}
            }
        }
    }
    if let Some(c) = mark {
        f = f
            .set_pattern(FormatPattern::Solid)
            .set_background_color(Color::RGB(c));
    }
    f
}

/// A formula the copy can carry safely: quotes and brackets balanced; from a non-Excel
/// source, no `[` (an ODF reference the reader could not convert).
pub(super) fn formula_ok(f: &str, from_excel: bool) -> bool {
    if f.is_empty() || f.chars().count() > 8192 || f.contains(['\n', '\r']) {
        return false;
    }
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut in_quote = false;
    for c in f.chars() {
        match c {
            '"' if !in_quote => in_string = !in_string,
            '\'' if !in_string => in_quote = !in_quote,
            '(' if !in_string && !in_quote => depth += 1,
            ')' if !in_string && !in_quote => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            '[' | ']' if !in_string && !in_quote && !from_excel => return false,
            _ => {}
        }
    }
    depth == 0 && !in_string && !in_quote
}

/// A formula's cached result as rust_xlsxwriter wants it.
pub(super) fn formula_result(v: &Value) -> String {
    match v {
        Value::Empty => String::new(),
        Value::Number { value, .. } => number_f64(value).map(|f| f.to_string()).unwrap_or_default(),
        Value::Text(s) => s.clone(),
        Value::Bool(b) => {
            if *b {
                "TRUE".into()
            } else {
                "FALSE".into()
            }
        }
        Value::Error(e) => e.clone(),
    }
}

/// Display width (characters) a number needs, roughly, with thousands separators.
pub(super) fn number_width(v: &Value) -> f64 {
    let Value::Number {
        value,
        percent,
        decimals,
    } = v
    else {
        return 0.0;
    };
    let shown = if *percent {
        value
            .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
            .unwrap_or(*value)
    } else {
        *value
    };
    let d = decimals.unwrap_or(2).min(10);
    let int_digits = shown.abs().trunc().to_string().len();
    let groups = (int_digits.saturating_sub(1)) / 3;
    (int_digits
        + groups
        + if d > 0 { d as usize + 1 } else { 0 }
        + usize::from(*percent)
        + usize::from(shown.is_sign_negative())) as f64
        + 1.5
}

pub(super) fn grid_sheet(
    g: &Grid,
    name: &str,
    styles: &StyleMap,
    marks: &BTreeMap<Pos, Mark>,
    from_excel: bool,
) -> Result<Worksheet, rust_xlsxwriter::XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    if g.hidden {
        ws.set_hidden(true);
    }
    print_setup(&mut ws);
    let st = styles.sheet(&g.name);
    // How far beyond its cells the copy of a sheet carries formatting (styled empty cells,
    // row heights, merged ranges): bounds the copy's size whatever the input states.
    let reach = (
        g.height.saturating_add(REACH_ROWS),
        g.width.saturating_add(REACH_COLS),
    );

    // Formats, shared by key: (style index, number format, mark colour).
    type FormatKey = (Option<u32>, Option<String>, Option<u32>);
    let mut formats: HashMap<FormatKey, Format> = HashMap::new();
    let mut format_at = |p: Pos, v: &Value, mark: Option<u32>| -> Format {
        let index = st.and_then(|s| s.style_index(p));
        let style = index.and_then(|i| styles.style(i));
        let num = match style.and_then(|s| s.number_format.clone()) {
            Some(code) => Some(code),
            None => fallback_num_format(v),
        };
        formats
            .entry((index, num.clone(), mark))
            .or_insert_with(|| make_format(style, num.as_deref(), mark))
            .clone()
    };

    let colour = colours_of(marks, Some(g));

    // Column widths and hidden columns, as the file states them.
    let mut widths: HashMap<u32, f64> = HashMap::new();
    let mut hidden_cols: HashSet<u32> = HashSet::new();
    if let Some(s) = st {
        for c in &s.cols {
            if c.first > MAX_COL {
                continue;
            }
            let last = c.last.min(MAX_COL);
            if let Some(w) = c.width {
                let px = (w * 7.0).round().clamp(0.0, 1790.0) as u32;
                ws.set_column_range_width_pixels(c.first as u16, last as u16, px)?;
                if last - c.first <= 1024 {
                    for col in c.first..=last {
                        widths.insert(col, w);
                    }
                }
            }
            if c.hidden {
                ws.set_column_range_hidden(c.first as u16, last as u16)?;
                if last - c.first <= 1024 {
                    hidden_cols.extend(c.first..=last);
                }
            }
        }
        for r in &s.rows {
            if r.row > MAX_ROW.min(reach.0) {
                continue;
            }
            if let Some(h) = r.height {
                ws.set_row_height(r.row, h)?;
            }
            if r.hidden {
                ws.set_row_hidden(r.row)?;
            }
        }
    }
    if g.col_widths.iter().any(|(_, w)| *w > 0.0) {
        for &(col, w) in &g.col_widths {
            if col <= MAX_COL && !widths.contains_key(&col) {
                ws.set_column_width(col as u16, w)?;
                widths.insert(col, w + 0.71);
            }
        }
    }
    // Widen columns whose figures would not fit (they would show as ####); where no width
    // at all is known (.ods, .xlsb), also fit text up to 50 characters.
    let know_widths = st.is_some_and(|s| !s.cols.is_empty()) || !g.col_widths.is_empty();
    // Cells of ranges merged across columns (their text spans several columns).
    let mut wide: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    let mut indexed = 0usize;
    for m in g.merges.iter().filter(|m| m.start.col != m.end.col) {
        for row in m.start.row..=m.end.row.min(g.height.saturating_sub(1)) {
            indexed += 1;
            if indexed > 4_000_000 {
                break;
            }
            wide.entry(row).or_default().push((m.start.col, m.end.col));
        }
    }
    let mut need: HashMap<u32, f64> = HashMap::new();
    for row in 0..g.height {
        let spans = wide.get(&row);
        for col in 0..g.width.min(MAX_COL + 1) {
            let p = Pos::new(row, col);
            if spans.is_some_and(|s| s.iter().any(|&(a, b)| (a..=b).contains(&col))) {
                continue;
            }
            let v = g.value(p);
            let w = match v {
                Value::Number { .. } => number_width(v),
                Value::Text(t) if !know_widths => {
                    (t.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64 + 1.0).min(50.0)
                }
                _ => 0.0,
            };
            if w > 0.0 {
                let e = need.entry(col).or_insert(0.0);
                *e = e.max(w);
            }
        }
    }
    for (col, w) in need {
        let current = widths.get(&col).copied().unwrap_or(9.14);
        if w > current && !hidden_cols.contains(&col) {
            ws.set_column_width(col as u16, w.min(60.0))?;
        }
    }

    // Merged ranges first: merge_range fills the range with blanks, the cells come after.
    // A range beyond what the sheet holds (a damaged or hostile file) is left unmerged.
    let mut merged_cells: u64 = 0;
    for m in &g.merges {
        if m.start == m.end || m.end.row > MAX_ROW.min(reach.0) || m.end.col > MAX_COL.min(reach.1)
        {
            continue;
        }
        let area = u64::from(m.end.row - m.start.row + 1) * u64::from(m.end.col - m.start.col + 1);
        merged_cells += area;
        if area > MAX_MERGE_AREA || merged_cells > MAX_MERGED_CELLS {
            continue;
        }
        let fmt = format_at(m.start, g.value(m.start), colour.get(&m.start).copied());
        // Overlapping ranges (a damaged file) are left unmerged.
        let _ = ws.merge_range(
            m.start.row,
            m.start.col as u16,
            m.end.row,
            m.end.col as u16,
            "",
            &fmt,
        );
    }

    // Styled cells without a value (borders, fills of empty cells), near the cells.
    if let Some(s) = st {
        for &(p, _) in &s.cells {
            if p.row > MAX_ROW.min(reach.0) || p.col > MAX_COL.min(reach.1) {
                continue;
            }
            let cell = g.get(p);
            if cell.value == Value::Empty && cell.formula.is_none() {
                let fmt = format_at(p, &Value::Empty, colour.get(&p).copied());
                ws.write_blank(p.row, p.col as u16, &fmt)?;
            }
        }
    }

    // The cells.
    for row in 0..g.height.min(MAX_ROW + 1) {
        for col in 0..g.width.min(MAX_COL + 1) {
            let p = Pos::new(row, col);
            let cell = g.get(p);
            let mark = colour.get(&p).copied();
            if cell.value == Value::Empty && cell.formula.is_none() {
                if mark.is_some() {
                    let fmt = format_at(p, &Value::Empty, mark);
                    ws.write_blank(row, col as u16, &fmt)?;
                }
                continue;
            }
            let fmt = format_at(p, &cell.value, mark);
            let c = col as u16;
            let formula = cell
                .formula
                .as_deref()
                .filter(|f| formula_ok(f, from_excel));
            match (formula, &cell.value) {
                (Some(f), v) => {
                    let formula = Formula::new(f).set_result(formula_result(v));
                    ws.write_formula_with_format(row, c, formula, &fmt)?;
                }
                (None, Value::Number { value, .. }) => match number_f64(value) {
                    Some(x) => {
                        ws.write_number_with_format(row, c, x, &fmt)?;
                    }
                    None => {
                        ws.write_string_with_format(row, c, value.to_string(), &fmt)?;
                    }
                },
                (None, Value::Text(s)) => {
                    ws.write_string_with_format(row, c, clip(s, MAX_TEXT), &fmt)?;
                }
                (None, Value::Bool(b)) => {
                    ws.write_boolean_with_format(row, c, *b, &fmt)?;
                }
                (None, Value::Error(e)) if ERROR_LITERALS.contains(&e.as_str()) => {
                    // An error constant: the formula `=#N/A` holds it as its value.
                    let formula = Formula::new(e).set_result(e.clone());
                    ws.write_formula_with_format(row, c, formula, &fmt)?;
                }
                (None, Value::Error(e)) => {
                    ws.write_string_with_format(row, c, e, &fmt)?;
                }
                (None, Value::Empty) => {
                    ws.write_blank(row, c, &fmt)?;
                }
            }
        }
    }

    // Marks outside the grid (a finding at A1 of an empty sheet) and the notes.
    let mut outside: HashMap<Pos, u32> = HashMap::new();
    for (p, c) in &colour {
        if p.row >= g.height || p.col >= g.width {
            outside.insert(*p, *c);
        }
    }
    for (p, c) in outside {
        if p.row <= MAX_ROW && p.col <= MAX_COL {
            let fmt = format_at(p, &Value::Empty, Some(c));
            ws.write_blank(p.row, p.col as u16, &fmt)?;
        }
    }
    write_marks(&mut ws, marks, &colour)?;
    Ok(ws)
}

/// The notes of the marked cells (and, for a placeholder sheet, their fills).
pub(super) fn write_marks(
    ws: &mut Worksheet,
    marks: &BTreeMap<Pos, Mark>,
    coloured: &BTreeMap<Pos, u32>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (p, m) in marks {
        if p.row > MAX_ROW || p.col > MAX_COL {
            continue;
        }
        if !coloured.contains_key(p)
            && let Some(c) = m.colour()
        {
            let fmt = Format::new()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(c));
            ws.set_cell_format(p.row, p.col as u16, &fmt)?;
        }
        let text = clip(&m.notes.join("\n\n"), MAX_NOTE);
        let lines: usize = text
            .split('\n')
            .map(|l| (l.chars().count() / 55 + 1).max(1))
            .sum();
        let height = (lines as u32 * 14 + 12).clamp(60, 600);
        let note = Note::new(text)
            .set_author("sakip-lint")
            .add_author_prefix(false)
            .set_width(380)
            .set_height(height);
        ws.insert_note(p.row, p.col as u16, &note)?;
    }
    Ok(())
}
