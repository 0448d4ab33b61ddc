//! The compiled node kinds: one enum, one generation routine per kind. Simple schemas compile to
//! the lean kinds (`Object`, `String`, `Integer`, `Number`, `Array`, `Enum`); the rich kinds carry
//! what only some schemas need (`multipleOf` grids, tuples and `contains`, weights, recursion,
//! residual checks).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

pub use super::array::ArrayNode;
pub use super::checked::CheckedNode;
pub use super::number::{GridNode, NumberNode};
pub use super::object::{ObjectNode, Prop};
pub use super::string::{Format, StringNode};

/// A compiled schema node.
#[derive(Debug, Clone)]
pub enum Node {
    Object(ObjectNode),
    String(StringNode),
    Integer {
        lo: i64,
        hi: i64,
    },
    Number(NumberNode),
    Boolean,
    Null,
    Array {
        items: Box<Node>,
        min: usize,
        max: usize,
        /// Set when the items have no finite instance: write exactly `min` (zero) items.
        force_min: Flag,
    },
    /// One of these pre-serialised JSON values.
    Enum(Vec<Box<[u8]>>),
    /// Exactly this pre-serialised JSON value.
    Const(Box<[u8]>),
    /// One of several alternatives (`type` lists, `anyOf`/`oneOf` branches, variants).
    Choice(ChoiceNode),
    /// Numbers on a grid: `multipleOf`, excluded values, distributions, uniqueness.
    Grid(Box<GridNode>),
    /// Arrays with `prefixItems`, `contains` or `uniqueItems`.
    Tuple(Box<ArrayNode>),
    /// An enum with weights or drawn without repetition across the dataset.
    Weighted(Box<WeightedEnum>),
    /// A shared or recursive node (`$ref`).
    Ref(Link),
    /// A node whose values are verified against what could not be built in.
    Checked(Arc<CheckedNode>),
}

/// Alternatives with optional weights. `min_branch` is the branch with the shallowest finite
/// instances, used once the depth or size budget is spent.
#[derive(Debug)]
pub struct ChoiceNode {
    pub nodes: Vec<Node>,
    /// Cumulative weights (last = total); `None` for uniform.
    pub cumulative: Option<Vec<f64>>,
    pub min_branch: AtomicUsize,
    /// Bit `i`: branch `i` has no finite instance (recursion with no way out); never taken.
    pub infinite: AtomicU64,
    /// For each branch, its costlier variants, cheapest first (empty when there are none):
    /// the most natural variant's negations can contradict each other (its witness search
    /// fails), and the branch then takes its next variant instead of being lost.
    pub alts: Vec<Vec<Node>>,
    /// For each branch, which variant is taken: 0 is `nodes[i]`, `k` is `alts[i][k - 1]`.
    /// Raised once the variant taken is found to have no instance; never lowered.
    pub level: Vec<AtomicUsize>,
}

impl Clone for ChoiceNode {
    fn clone(&self) -> Self {
        ChoiceNode {
            nodes: self.nodes.clone(),
            cumulative: self.cumulative.clone(),
            min_branch: AtomicUsize::new(self.min_branch.load(Ordering::Relaxed)),
            infinite: AtomicU64::new(self.infinite.load(Ordering::Relaxed)),
            alts: self.alts.clone(),
            level: self
                .level
                .iter()
                .map(|l| AtomicUsize::new(l.load(Ordering::Relaxed)))
                .collect(),
        }
    }
}

/// A shared boolean set once the plan is compiled (recursion analysis).
#[derive(Debug, Clone, Default)]
pub struct Flag(Arc<AtomicBool>);

impl Flag {
    #[inline]
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Shared booleans, one per child, set once the plan is compiled.
#[derive(Debug, Clone, Default)]
pub struct Flags(Arc<Vec<AtomicBool>>);

impl Flags {
    pub fn new(n: usize) -> Self {
        Flags(Arc::new((0..n).map(|_| AtomicBool::new(false)).collect()))
    }

    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.0.get(i).is_some_and(|b| b.load(Ordering::Relaxed))
    }

    pub fn set(&self, i: usize) {
        if let Some(b) = self.0.get(i) {
            b.store(true, Ordering::Relaxed);
        }
    }
}

impl ChoiceNode {
    pub fn uniform(nodes: Vec<Node>) -> Self {
        ChoiceNode {
            nodes,
            cumulative: None,
            min_branch: AtomicUsize::new(0),
            infinite: AtomicU64::new(0),
            alts: Vec::new(),
            level: Vec::new(),
        }
    }

    /// The same choice with each branch's costlier variants to fall back on.
    pub fn with_alternatives(mut self, alts: Vec<Vec<Node>>) -> Self {
        self.level = alts.iter().map(|_| AtomicUsize::new(0)).collect();
        self.alts = alts;
        self
    }

    /// The variant branch `i` takes now.
    #[inline]
    pub fn branch(&self, i: usize) -> &Node {
        match self.level.get(i).map_or(0, |l| l.load(Ordering::Relaxed)) {
            0 => &self.nodes[i],
            k => &self.alts[i][k - 1],
        }
    }

    /// The variants the branches take now.
    pub fn taken(&self) -> impl Iterator<Item = &Node> {
        (0..self.nodes.len()).map(|i| self.branch(i))
    }

    /// Moves branch `i` to its next variant; whether there was one.
    pub fn fall_back(&self, i: usize) -> bool {
        let (Some(level), Some(alts)) = (self.level.get(i), self.alts.get(i)) else {
            return false;
        };
        let k = level.load(Ordering::Relaxed);
        if k >= alts.len() {
            return false;
        }
        level.store(k + 1, Ordering::Relaxed);
        true
    }

    pub fn weighted(nodes: Vec<Node>, weights: &[f64]) -> Self {
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w.max(0.0);
                acc
            })
            .collect();
        ChoiceNode {
            nodes,
            cumulative: Some(cumulative),
            min_branch: AtomicUsize::new(0),
            infinite: AtomicU64::new(0),
            alts: Vec::new(),
            level: Vec::new(),
        }
    }
}

/// Enum values with weights, or a permutation for dataset-wide uniqueness.
#[derive(Debug, Clone)]
pub struct WeightedEnum {
    pub values: Vec<Box<[u8]>>,
    pub cumulative: Vec<f64>,
    pub unique: Option<super::hints::unique::UniqueSlot>,
}

/// A shared node; recursion goes through a weak back edge so plans never leak.
#[derive(Debug, Clone)]
pub enum Link {
    Strong(Arc<Slot>),
    Back(Weak<Slot>),
}

/// The target of a [`Link`].
#[derive(Debug, Default)]
pub struct Slot {
    pub node: OnceLock<Node>,
    /// Height of the shallowest finite instance (`u32::MAX`: none).
    pub height: AtomicU32,
    pub pointer: String,
}

impl Link {
    /// Runs `f` on the target node (absent only while the plan is still compiling).
    #[inline]
    pub fn with<R>(&self, f: impl FnOnce(Option<&Node>) -> R) -> R {
        match self {
            Link::Strong(s) => f(s.node.get()),
            Link::Back(w) => match w.upgrade() {
                Some(s) => f(s.node.get()),
                None => f(None),
            },
        }
    }

    pub fn slot(&self) -> Option<Arc<Slot>> {
        match self {
            Link::Strong(s) => Some(s.clone()),
            Link::Back(w) => w.upgrade(),
        }
    }
}

impl Node {
    /// Whether every instance of this node is a JSON object (what tool `parameters` need).
    /// A recursive back edge counts as an object: it only recurs into nodes being checked.
    pub fn always_object(&self) -> bool {
        let is_obj = |b: &[u8]| b.first() == Some(&b'{');
        match self {
            Node::Object(_) => true,
            Node::Const(b) => is_obj(b),
            Node::Enum(vs) => vs.iter().all(|v| is_obj(v)),
            Node::Weighted(w) => w.values.iter().all(|v| is_obj(v)),
            Node::Choice(c) => c.taken().all(Node::always_object),
            Node::Ref(Link::Strong(slot)) => slot.node.get().is_some_and(Node::always_object),
            Node::Ref(Link::Back(_)) => true,
            Node::Checked(c) => c.inner().always_object(),
            _ => false,
        }
    }

    /// The first object node reachable without stepping into data (the declared properties of
    /// a tool's arguments, whatever wraps them: `$ref`, `anyOf`, checks).
    pub fn first_object(&self) -> Option<&ObjectNode> {
        match self {
            Node::Object(o) => Some(o),
            Node::Choice(c) => c.taken().find_map(Node::first_object),
            Node::Ref(Link::Strong(slot)) => slot.node.get().and_then(Node::first_object),
            Node::Checked(c) => c.inner().first_object(),
            _ => None,
        }
    }
}
