//! Instance generation: one routine per node kind, writing straight into a [`JsonWriter`].

use super::hints::Hint;
use super::node::{Format, Node, NumberNode, ObjectNode, StringNode};
use crate::json::JsonWriter;
use crate::pools::Pools;
use crate::rng::{push_uuid, Rng};
use crate::text::{self, vocab, Person};
use crate::time;

/// Probability that an optional property is present (the reference's 80 %).
pub const OPTIONAL_PRESENCE: f64 = 0.8;

/// What generation needs besides the random stream: the pools, the anchor time and a scratch
/// buffer reused across values.
pub struct EmitCtx<'a> {
    pub pools: &'a Pools,
    pub anchor: i64,
    pub scratch: String,
}

impl<'a> EmitCtx<'a> {
    pub fn new(pools: &'a Pools, anchor: i64) -> Self {
        EmitCtx {
            pools,
            anchor,
            scratch: String::with_capacity(256),
        }
    }
}

impl Node {
    /// Writes one instance of this node.
    pub fn emit(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        match self {
            Node::Object(obj) => {
                w.begin_object();
                obj.emit_props(rng, ctx, w);
                w.end_object();
            }
            Node::String(s) => {
                ctx.scratch.clear();
                let mut out = std::mem::take(&mut ctx.scratch);
                s.build(&mut out, rng, ctx);
                w.str(&out);
                ctx.scratch = out;
            }
            Node::Integer { lo, hi } => w.int(rng.range_i64(*lo, *hi)),
            Node::Number(n) => w.float(n.draw(rng)),
            Node::Boolean => w.bool(rng.next_u64() & 1 == 1),
            Node::Null => w.null(),
            Node::Array { items, min, max } => {
                let n = rng.range_usize(*min, *max);
                w.begin_array();
                for _ in 0..n {
                    items.emit(rng, ctx, w);
                }
                w.end_array();
            }
            Node::Enum(values) => w.raw(&values[rng.index(values.len())]),
            Node::Const(value) => w.raw(value),
            Node::Choice(nodes) => rng.pick(nodes).emit(rng, ctx, w),
        }
    }
}

impl ObjectNode {
    /// Writes the properties (not the braces), so callers can prepend keys such as `index`.
    pub fn emit_props(&self, rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
        for prop in &self.props {
            if prop.required || rng.chance(OPTIONAL_PRESENCE) {
                w.key(&prop.name);
                prop.node.emit(rng, ctx, w);
            }
        }
    }
}

impl NumberNode {
    /// A uniform draw in `[lo, hi]` rounded to `decimals` places, clamped back into range.
    pub fn draw(&self, rng: &mut Rng) -> f64 {
        let x = self.lo + rng.unit() * (self.hi - self.lo);
        let scale = 10f64.powi(self.decimals);
        ((x * scale).round() / scale).clamp(self.lo, self.hi)
    }
}

impl StringNode {
    /// Builds the string into `out`, then fits it to `minLength`/`maxLength` (in code points).
    pub fn build(&self, out: &mut String, rng: &mut Rng, ctx: &EmitCtx<'_>) {
        let pools = ctx.pools;
        match (self.format, self.hint) {
            (Some(f), _) => build_format(out, f, rng, ctx),
            (None, Some(h)) => build_hint(out, h, rng, ctx),
            (None, None) => {
                let n = text::variable_len(rng, 4);
                text::push_words_capitalized(out, rng, pools, n);
            }
        }
        fit_length(out, self.min_len, self.max_len, rng, pools);
    }
}

fn build_format(out: &mut String, format: Format, rng: &mut Rng, ctx: &EmitCtx<'_>) {
    let pools = ctx.pools;
    match format {
        Format::Email => text::push_email(out, rng, pools),
        Format::Date => text::push_date_near(out, rng, ctx.anchor, -3650, 0),
        Format::DateTime => text::push_datetime_before(out, rng, ctx.anchor, 365 * time::DAY),
        Format::Time => {
            time::push_time(out, rng.range_i64(0, time::DAY - 1));
            out.push('Z');
        }
        Format::Uri => text::push_url(out, rng, pools),
        Format::Uuid => push_uuid(out, &rng.uuid_bytes()),
        Format::Hostname => {
            out.push_str("www.");
            text::push_ascii_slug(out, rng, pools);
            out.push('.');
            out.push_str(rng.pick_str(&pools.tlds));
        }
        Format::Ipv4 => {
            for i in 0..4 {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(itoa::Buffer::new().format(rng.range_i64(i64::from(i == 0), 254)));
            }
        }
    }
}

fn build_hint(out: &mut String, hint: Hint, rng: &mut Rng, ctx: &EmitCtx<'_>) {
    let pools = ctx.pools;
    match hint {
        Hint::Email => text::push_email(out, rng, pools),
        Hint::FullName => Person::draw(rng, pools).push_full(out, pools),
        Hint::FirstName => out.push_str(rng.pick_str(&pools.first_names)),
        Hint::LastName => out.push_str(rng.pick_str(&pools.last_names)),
        Hint::Username => Person::draw(rng, pools).push_username(out, pools),
        Hint::City => out.push_str(rng.pick_str(&pools.cities)),
        Hint::Country => out.push_str(rng.pick_str(&pools.countries)),
        Hint::Company => out.push_str(rng.pick_str(&pools.companies)),
        Hint::StreetAddress => text::push_street_address(out, rng, pools),
        Hint::Zip => text::push_digits(out, rng, 5, false),
        Hint::Phone => text::push_phone(out, rng),
        Hint::Url => text::push_url(out, rng, pools),
        Hint::Path => text::push_path(out, rng, pools),
        Hint::SearchQuery => text::push_search_query(out, rng, pools),
        Hint::Sql => text::push_sql(out, rng),
        Hint::Title => {
            let n = text::variable_len(rng, 5);
            text::push_words_capitalized(out, rng, pools, n);
        }
        Hint::Paragraph => {
            let n = rng.range_usize(1, 3);
            text::push_paragraph(out, rng, pools, n);
        }
        Hint::Uuid => push_uuid(out, &rng.uuid_bytes()),
        Hint::Date => text::push_date_near(out, rng, ctx.anchor, -3650, 0),
        Hint::DateTime => text::push_datetime_before(out, rng, ctx.anchor, 365 * time::DAY),
        Hint::JobTitle => out.push_str(rng.pick_str(&pools.job_titles)),
        Hint::Word => text::push_word(out, rng, pools),
        Hint::Database => out.push_str(rng.pick_str(vocab::DATABASES)),
        Hint::Encoding => out.push_str(rng.pick_str(vocab::ENCODINGS)),
        Hint::Currency => out.push_str(rng.pick_str(vocab::CURRENCIES)),
        Hint::Language => out.push_str(rng.pick_str(vocab::LANGUAGES)),
        Hint::Product => out.push_str(rng.pick_str(vocab::PRODUCTS)),
    }
}

/// Pads with words up to `min` code points and truncates to `max` code points.
fn fit_length(out: &mut String, min: usize, max: Option<usize>, rng: &mut Rng, pools: &Pools) {
    let mut len = out.chars().count();
    while len < min {
        if !out.is_empty() {
            out.push(' ');
        }
        text::push_word(out, rng, pools);
        len = out.chars().count();
    }
    if let Some(max) = max {
        if len > max {
            let cut = out.char_indices().nth(max).map_or(out.len(), |(i, _)| i);
            out.truncate(cut);
            // Never end on a space (a trailing space reads as a bug); keep the length.
            if out.ends_with(' ') {
                out.pop();
                out.push('x');
            }
        }
    }
}
