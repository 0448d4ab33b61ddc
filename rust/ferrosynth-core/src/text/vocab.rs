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

pub const PACKAGES: &[&str] = &[
    "requests",
    "numpy",
    "pandas",
    "fastapi",
    "pydantic",
    "serde",
    "tokio",
    "express",
    "react",
    "lodash",
    "axios",
    "spring-boot",
    "jackson",
    "gin",
    "rails",
    "sqlalchemy",
    "pytest",
    "webpack",
    "protobuf",
    "grpc",
];

pub const ERROR_MESSAGES: &[&str] = &[
    "ConnectionResetError: [Errno 104] Connection reset by peer",
    "TypeError: Cannot read properties of undefined (reading 'map')",
    "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value'",
    "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null",
    "KeyError: 'user_id'",
    "error[E0502]: cannot borrow `items` as mutable because it is also borrowed as immutable",
    "panic: runtime error: index out of range [3] with length 3",
    "ModuleNotFoundError: No module named 'yaml'",
    "SyntaxError: Unexpected token '}' in JSON at position 42",
    "OperationalError: database is locked",
    "TimeoutError: request timed out after 30000 ms",
    "PermissionError: [Errno 13] Permission denied",
];

/// Code snippets per entry of [`LANGUAGES`] (same order); `{fn}` is replaced by a function name.
pub const CODE_SNIPPETS: &[&[&str]] = &[
    &[
        "def {fn}(rows):\n    return [row for row in rows if row.get(\"active\")]",
        "async def {fn}(client, url):\n    response = await client.get(url, timeout=10)\n    response.raise_for_status()\n    return response.json()",
    ],
    &[
        "export function {fn}(rows: Row[]): Row[] {\n  return rows.filter((row) => row.active);\n}",
        "export async function {fn}(url: string): Promise<unknown> {\n  const res = await fetch(url);\n  if (!res.ok) throw new Error(`HTTP ${res.status}`);\n  return res.json();\n}",
    ],
    &[
        "fn {fn}(rows: &[Row]) -> Vec<&Row> {\n    rows.iter().filter(|row| row.active).collect()\n}",
        "pub fn {fn}(path: &Path) -> io::Result<String> {\n    let text = fs::read_to_string(path)?;\n    Ok(text.trim().to_owned())\n}",
    ],
    &[
        "func {fn}(rows []Row) []Row {\n\tout := rows[:0]\n\tfor _, r := range rows {\n\t\tif r.Active {\n\t\t\tout = append(out, r)\n\t\t}\n\t}\n\treturn out\n}",
        "func {fn}(ctx context.Context, url string) (*http.Response, error) {\n\treq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn http.DefaultClient.Do(req)\n}",
    ],
    &[
        "static List<Row> {fn}(List<Row> rows) {\n    return rows.stream().filter(Row::isActive).toList();\n}",
        "static String {fn}(Path path) throws IOException {\n    return Files.readString(path).strip();\n}",
    ],
    &[
        "static List<Row> {fn}(IEnumerable<Row> rows) =>\n    rows.Where(row => row.Active).ToList();",
        "static async Task<string> {fn}(HttpClient client, string url) =>\n    await client.GetStringAsync(url);",
    ],
    &[
        "fun {fn}(rows: List<Row>): List<Row> = rows.filter { it.active }",
        "suspend fun {fn}(client: HttpClient, url: String): String =\n    client.get(url).bodyAsText()",
    ],
    &[
        "func {fn}(_ rows: [Row]) -> [Row] {\n    rows.filter { $0.active }\n}",
        "func {fn}(from url: URL) async throws -> Data {\n    let (data, _) = try await URLSession.shared.data(from: url)\n    return data\n}",
    ],
    &[
        "def {fn}(rows)\n  rows.select(&:active)\nend",
        "def {fn}(path)\n  File.read(path).strip\nend",
    ],
    &[
        "std::vector<Row> {fn}(const std::vector<Row>& rows) {\n    std::vector<Row> out;\n    std::copy_if(rows.begin(), rows.end(), std::back_inserter(out),\n                 [](const Row& r) { return r.active; });\n    return out;\n}",
        "std::string {fn}(const std::filesystem::path& path) {\n    std::ifstream in(path);\n    return {std::istreambuf_iterator<char>(in), {}};\n}",
    ],
];

pub const JOURNALS: &[&str] = &[
    "Nature",
    "Science",
    "The Lancet",
    "PLOS ONE",
    "Nature Climate Change",
    "Journal of Applied Psychology",
    "Environmental Research Letters",
    "NeurIPS Proceedings",
    "BMJ Open",
    "Research Policy",
];
