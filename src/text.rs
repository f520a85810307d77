//! User text is data: it is stored NFC-normalised without control
//! characters, and measured in display columns.

use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

fn is_unwanted(c: char, keep_newlines: bool) -> bool {
    if keep_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
}

/// One-line text (names, roles, e-mail): NFC, control characters and line
/// breaks removed, surrounding white space trimmed.
pub fn clean_line(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !is_unwanted(*c, false))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Multi-line text (notes): NFC, control characters other than line breaks
/// and tabs removed, `\r\n` folded to `\n`, trailing white space trimmed.
pub fn clean_multiline(s: &str) -> String {
    let nfc: String = s.replace("\r\n", "\n").nfc().collect();
    nfc.chars()
        .filter(|c| !is_unwanted(*c, true))
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Width in terminal columns (CJK characters take two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, ending with `…` when cut, never in
/// the middle of a character.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Pads `s` with spaces to `cols` columns (cutting it first if longer).
pub fn pad(s: &str, cols: usize) -> String {
    let cut = truncate(s, cols);
    let w = width(&cut);
    format!("{cut}{}", " ".repeat(cols.saturating_sub(w)))
}

/// Whether `c` is invisible or rearranges text: a control character, a
/// format character (Unicode category Cf: bidi marks and overrides,
/// zero-width characters, interlinear annotation, tags) or a line or
/// paragraph separator (Zl, Zp).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{890}'..='\u{891}'
                | '\u{8e2}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{110bd}'
                | '\u{110cd}'
                | '\u{13430}'..='\u{1343f}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0001}'
                | '\u{e0020}'..='\u{e007f}'
        )
}

/// Makes any text safe to print on a terminal: every character for which
/// [`is_hidden`] holds is shown as a `\u{..}` escape instead of being
/// interpreted.
pub fn escape_for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let hidden = is_hidden(c);
        if hidden {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Undoes [`escape_for_terminal`] for files that carry its escapes (the
/// CSV export): each `\u{..}` naming a hidden character becomes that
/// character again; any other text, escapes of visible characters
/// included, stays as it is.
pub fn unescape_hidden(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("\\u{") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find('}').and_then(|end| {
            let hex = &after[..end];
            let c = (hex.len() <= 6)
                .then(|| u32::from_str_radix(hex, 16).ok())
                .flatten()
                .and_then(char::from_u32)
                .filter(|c| is_hidden(*c))?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("\\u{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Makes JSON text safe to print on a terminal without changing what it
/// says: every character for which [`is_hidden`] holds (inside strings,
/// where serde_json leaves bidi and zero-width characters raw) becomes a
/// `\uXXXX` escape, which any JSON reader turns back into it. Line breaks
/// outside strings stay.
pub fn inert_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && is_hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends `s` to `out` as a JSON string, exactly as serde_json writes it
/// and [`inert_json`] then makes it inert: `"` and `\\` escaped, control
/// characters below U+0020 as serde_json spells them, and every other
/// character for which [`is_hidden`] holds as `\uXXXX` escapes. Runs of
/// plain text are copied whole, so this is what a large JSON output is
/// built with, without a second pass over the text.
pub fn push_inert_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    fn unit(out: &mut Vec<u8>, u: u16) {
        out.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[usize::from((u >> shift) & 0xf)]);
        }
    }
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let plain = b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f;
            if !plain {
                out.extend_from_slice(&bytes[start..i]);
                match b {
                    b'"' => out.extend_from_slice(b"\\\""),
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    0x08 => out.extend_from_slice(b"\\b"),
                    0x0c => out.extend_from_slice(b"\\f"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    _ => unit(out, u16::from(b)),
                }
                start = i + 1;
            }
            i += 1;
            continue;
        }
        // `i` is at the start of a character: only ASCII bytes were
        // stepped over one by one. Characters from U+3000 to U+EFFF
        // (lead bytes E3-EE: CJK, Hangul, private use) are never hidden,
        // and they are most of a Chinese name.
        if (0xe3..=0xee).contains(&b) {
            i += 3;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if is_hidden(c) {
            out.extend_from_slice(&bytes[start..i]);
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                unit(out, *u);
            }
            start = i + len;
        }
        i += len;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// `3 clients`, `1 client`: a count with the word that agrees with it.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Levenshtein distance in characters (for "did you mean").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_escapes_read_back_and_nothing_else_changes() {
        let text = "a\u{202e}b\u{200d}c \\u{41} \\u{zz} \\u{ end";
        let shown = escape_for_terminal(text);
        assert!(!shown.chars().any(is_hidden), "{shown}");
        assert_eq!(unescape_hidden(&shown), text);
        assert_eq!(unescape_hidden("plain 上海"), "plain 上海");
        // Escapes of visible characters are text, not escapes.
        assert_eq!(unescape_hidden(r"\u{41}"), r"\u{41}");
        assert_eq!(unescape_hidden(r"x\u{202e}y"), "x\u{202e}y");
    }

    #[test]
    fn inert_json_escapes_what_a_terminal_would_interpret_and_reads_back() {
        let value = serde_json::json!({"name": "a\u{202e}b\u{200d}c\u{e0041}", "n": [1, 2]});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let inert = inert_json(&text);
        assert!(!inert.chars().any(|c| c != '\n' && is_hidden(c)), "{inert}");
        assert!(inert.contains("\\u202e") && inert.contains("\\udb40\\udc41"));
        let back: serde_json::Value = serde_json::from_str(&inert).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn clean_line_strips_escapes_and_normalises() {
        // "e" + combining acute becomes the precomposed é.
        assert_eq!(
            clean_line("Caf\u{65}\u{301}\x1b[31m red\x07 "),
            "Café[31m red"
        );
        assert_eq!(clean_line("a\nb"), "a b");
        assert_eq!(clean_line("\u{9b}x"), "x");
    }

    #[test]
    fn multiline_keeps_breaks() {
        assert_eq!(clean_multiline("one\r\ntwo\x1b\n"), "one\ntwo");
    }

    #[test]
    fn widths_and_truncation_count_columns() {
        assert_eq!(width("上海中心"), 8);
        assert_eq!(truncate("上海中心", 5), "上海…");
        assert_eq!(truncate("上海中心", 8), "上海中心");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(pad("上海", 6), "上海  ");
    }

    #[test]
    fn escapes_hidden_characters() {
        assert_eq!(
            escape_for_terminal("a\x1b[2Jb\u{202e}"),
            "a\\u{1b}[2Jb\\u{202e}"
        );
        for c in [
            '\u{2028}',
            '\u{2029}',
            '\u{61c}',
            '\u{fff9}',
            '\u{e0041}',
            '\u{ad}',
            '\u{2066}',
        ] {
            let shown = escape_for_terminal(&format!("x{c}y"));
            assert_eq!(shown, format!("x\\u{{{:x}}}y", c as u32));
        }
        // Visible text, CJK and emoji included, passes unchanged.
        assert_eq!(escape_for_terminal("上海 café 🎉"), "上海 café 🎉");
    }
}
