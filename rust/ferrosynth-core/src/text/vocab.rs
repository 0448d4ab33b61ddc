//! Built-in English domain vocabulary (not locale data): products, coding tasks, research terms.
//! Locale-dependent values (names, cities, companies, words) come from [`crate::pools::Pools`].

pub const PRODUCTS: &[&str] = &[
    "wireless headphones",
    "running shoes",
    "espresso machine",
    "standing desk",
    "mechanical keyboard",
    "4K monitor",
    "backpack",
    "smart watch",
    "air purifier",
    "blender",
    "office chair",
    "yoga mat",
    "electric toothbrush",
    "bluetooth speaker",
    "laptop stand",
    "water bottle",
    "winter jacket",
    "coffee grinder",
    "desk lamp",
    "phone case",
    "robot vacuum",
    "camping tent",
    "cast iron skillet",
    "noise-cancelling earbuds",
    "e-reader",
    "fitness tracker",
    "gaming mouse",
    "USB-C hub",
];

pub const LANGUAGES: &[&str] = &[
    "Python",
    "TypeScript",
    "Rust",
    "Go",
    "Java",
    "C#",
    "Kotlin",
    "Swift",
    "Ruby",
    "C++",
];

pub const CODING_TASKS: &[&str] = &[
    "reverse a linked list",
    "parse a CSV file",
    "deduplicate a list while keeping order",
    "read a large file line by line",
    "retry an HTTP request with backoff",
    "validate an email address",
    "merge two sorted arrays",
    "count word frequencies",
    "flatten a nested list",
    "memoize an expensive function",
    "paginate a database query",
    "convert a timestamp to UTC",
    "walk a directory tree",
    "debounce a function call",
    "serialize an object to JSON",
    "find duplicates in an array",
    "compute a moving average",
    "sort a dictionary by value",
    "chunk a list into batches",
    "hash a password securely",
];

pub const TOPICS: &[&str] = &[
    "sleep and memory consolidation",
    "urban heat islands",
    "large language model evaluation",
    "microplastics in freshwater",
    "remote work productivity",
    "soil carbon sequestration",
    "antibiotic resistance",
    "battery degradation",
    "misinformation on social media",
    "early childhood literacy",
    "protein folding",
    "coral reef recovery",
    "gig economy wages",
    "air quality and asthma",
    "renewable energy storage",
    "retrieval-augmented generation",
];

pub const METHODOLOGIES: &[&str] = &[
    "randomized controlled",
    "longitudinal cohort",
    "cross-sectional survey",
    "case-control",
    "mixed-methods",
    "quasi-experimental",
    "systematic review",
    "ethnographic",
];

pub const ANALYSIS_METHODS: &[&str] = &[
    "multilevel regression",
    "a difference-in-differences model",
    "Bayesian hierarchical modelling",
    "thematic analysis",
    "survival analysis",
    "structural equation modelling",
    "a mixed-effects model",
    "propensity score matching",
];

pub const DURATION_UNITS: &[(&str, i64, i64)] =
    &[("weeks", 2, 52), ("months", 2, 36), ("years", 1, 10)];

pub const FINDING_SUBJECTS: &[&str] = &[
    "the treatment group",
    "participants",
    "older adults",
    "smaller firms",
    "the intervention",
    "higher exposure",
    "the new model",
    "urban households",
];

pub const FINDING_VERBS: &[&str] = &[
    "showed a significant improvement in",
    "was associated with lower",
    "had no measurable effect on",
    "explained most of the variance in",
    "doubled the rate of",
    "reduced",
];

pub const FINDING_OBJECTS: &[&str] = &[
    "retention",
    "reported stress",
    "error rates",
    "long-term outcomes",
    "energy use",
    "response accuracy",
    "recovery time",
    "annual costs",
];

pub const SEARCH_VERBS: &[&str] = &[
    "best",
    "how to",
    "latest news on",
    "compare",
    "cheap",
    "reviews of",
    "what is",
    "guide to",
];

pub const SQL_TABLES: &[(&str, &[&str])] = &[
    ("users", &["id", "email", "created_at", "country"]),
    (
        "orders",
        &["id", "user_id", "total", "status", "created_at"],
    ),
    ("products", &["id", "name", "price", "category"]),
    ("events", &["id", "user_id", "kind", "occurred_at"]),
    ("invoices", &["id", "customer_id", "amount", "due_date"]),
];

pub const FILE_EXTENSIONS: &[&str] = &["txt", "md", "json", "csv", "py", "log", "yaml", "pdf"];

pub const DATABASES: &[&str] = &[
    "analytics",
    "production",
    "sales",
    "inventory",
    "crm",
    "reporting",
];

pub const ENCODINGS: &[&str] = &["utf-8", "ascii", "latin-1"];

pub const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF"];
