//! The free-form JSON record (`data_type=json` without a schema): `id`, `name`, `email`,
//! `value`, `active`, `tags`, `created_at`, in the reference's key order.

use crate::json::JsonWriter;
use crate::rng::{push_uuid, Rng};
use crate::schema::EmitCtx;
use crate::text::{self, Person};
use crate::time;

/// Writes the record's members (inside an open object).
pub fn emit_record_members(rng: &mut Rng, ctx: &mut EmitCtx<'_>, w: &mut JsonWriter) {
    let pools = ctx.pools;
    let s = &mut ctx.scratch;
    s.clear();
    push_uuid(s, &rng.uuid_bytes());
    w.key("id");
    w.str(s);

    let person = Person::draw(rng, pools);
    s.clear();
    person.push_full(s, pools);
    w.key("name");
    w.str(s);
    s.clear();
    person.push_email(s, pools);
    w.key("email");
    w.str(s);

    w.key("value");
    w.float(rng.range_i64(0, 100_000) as f64 / 100.0);
    w.key("active");
    w.bool(rng.next_u64() & 1 == 1);
    w.key("tags");
    w.begin_array();
    for _ in 0..rng.range_usize(1, 5) {
        w.str(rng.pick_str(&pools.words));
    }
    w.end_array();
    s.clear();
    text::push_datetime_before(s, rng, ctx.anchor, 365 * time::DAY);
    w.key("created_at");
    w.str(s);
}
