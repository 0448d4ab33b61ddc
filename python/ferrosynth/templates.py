"""Built-in conversation and tool-call templates.

``CONVERSATION_TEMPLATES`` maps a template name to its turns, each ``{"role", "content"}``.
``TOOL_CALL_TEMPLATES`` maps a template name to an OpenAI-style function spec
``{"name", "description", "parameters"}`` whose ``parameters`` is a JSON Schema object.

Placeholders in ``content`` are ``{name}`` tokens that the Rust core fills per sample. Within one
conversation the same placeholder always gets the same value (a customer keeps one name and one
e-mail address); a numeric suffix asks for an independent value of the same kind (``{finding_1}``
and ``{finding_2}`` are two different findings). ``{{`` and ``}}`` are literal braces. Any other
brace is an error. The vocabulary:

- ``name``: a full name ("Maria Keller")
- ``first_name``: a given name
- ``last_name``: a family name
- ``email``: an e-mail address, built from the same person's name when one is in the conversation
- ``phone``: a phone number
- ``username``: a login handle
- ``company``: a company name
- ``city``: a city name
- ``country``: a country name
- ``street_address``: a house number and street
- ``job_title``: a job title
- ``product``: a product name
- ``order_id``: an order reference
- ``amount``: a money amount with its currency
- ``date``: a calendar date
- ``year``: a four-digit year
- ``number``: a positive whole number
- ``language``: a programming language
- ``task``: a short description of a programming task
- ``function_name``: a snake_case function name
- ``topic``: a research topic
- ``paper_title``: a paper title
- ``finding``: one sentence stating a research finding
- ``conclusion``: one sentence stating a conclusion
- ``methodology``: a study design ("a randomised controlled trial")
- ``duration``: a span of time ("six weeks")
- ``analysis_method``: a statistical or analytical method
- ``word``: one lorem word
- ``sentence``: one lorem sentence
- ``paragraph``: one lorem paragraph
"""

from __future__ import annotations

__all__ = ["CONVERSATION_TEMPLATES", "TOOL_CALL_TEMPLATES"]

#: The placeholder names the Rust core implements (each may also carry a ``_<digits>`` suffix).
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "username",
        "company",
        "city",
        "country",
        "street_address",
        "job_title",
        "product",
        "order_id",
        "amount",
        "date",
        "year",
        "number",
        "language",
        "task",
        "function_name",
        "topic",
        "paper_title",
        "finding",
        "conclusion",
        "methodology",
        "duration",
        "analysis_method",
        "word",
        "sentence",
        "paragraph",
    }
)

CONVERSATION_TEMPLATES: dict[str, list[dict[str, object]]] = {
    "customer_support": [
        {
            "role": "system",
            "content": (
                "You are a support agent for {company}. Be warm and brief, confirm the order "
                "details before changing anything, and never ask for a full card number."
            ),
        },
        {
            "role": "user",
            "content": (
                "Hi, this is {first_name} {last_name}. I bought a {product} on {date} "
                "(order {order_id}) and it still hasn't arrived. The tracking page hasn't "
                "moved in days."
            ),
        },
        {
            "role": "assistant",
            "content": (
                "Sorry about the wait, {first_name}. I can see order {order_id} for the "
                "{product}. Before I look into it, could you confirm the e-mail address on "
                "your account?"
            ),
        },
        {
            "role": "user",
            "content": ("Sure, it's {email}. It should be going to {street_address} in {city}."),
        },
        {
            "role": "assistant",
            "content": (
                "Thanks, that matches what we have. The parcel left our warehouse but looks "
                "stuck at the carrier's regional depot. I can send a replacement today at no "
                "charge, or refund the {amount} to your original payment method. Which would "
                "you prefer?"
            ),
        },
        {
            "role": "user",
            "content": (
                "A replacement, please. I need it before the end of next week. Is that doable?"
            ),
        },
        {
            "role": "assistant",
            "content": (
                "Done: I've booked a replacement for order {order_id} with express delivery, "
                "which should get it to you in time. The confirmation and new tracking link "
                "are on their way to {email}. If the first parcel does turn up, just refuse "
                "it at the door. Anything else I can help with, {first_name}?"
            ),
        },
    ],
    "code_assistant": [
        {
            "role": "system",
            "content": (
                "You are a senior {language} engineer pairing with a colleague. Explain your "
                "reasoning in a few sentences and keep code samples short and runnable."
            ),
        },
        {
            "role": "user",
            "content": (
                "I'm porting a Python prototype to {language} as part of {task}. The hot spot "
                "is `{function_name}`, which boils down to this:\n\n"
                "```python\n"
                'index = {{row["id"]: row for row in rows if row.get("active")}}\n'
                "```\n\n"
                "What's the idiomatic way to write that in {language}, and will it be faster?"
            ),
        },
        {
            "role": "assistant",
            "content": (
                "That comprehension builds a hash map keyed by `id` and skips inactive rows. "
                "In {language} the idiomatic version is the same single pass: create the map "
                "with the expected capacity, walk the rows once, and insert only the active "
                "ones. With around {number} rows, sizing the map up front avoids several "
                "rehashes, and that alone is usually where most of the speed-up comes from. "
                "Keep `{function_name}` free of I/O so it stays easy to benchmark."
            ),
        },
        {
            "role": "user",
            "content": (
                "Makes sense. How do I make sure the port behaves exactly like the prototype?"
            ),
        },
        {
            "role": "assistant",
            "content": (
                "Use the Python version as an oracle. Generate a few hundred inputs, including "
                "an empty list, rows without an `active` key and repeated ids, run both "
                "implementations and compare the maps key by key. Watch the repeated ids: "
                'for `[{{"id": 1, "v": "a"}}, {{"id": 1, "v": "b"}}]` the comprehension keeps '
                'the last row, `{{1: {{"id": 1, "v": "b"}}}}`, so the {language} version has '
                "to overwrite existing entries rather than keep the first one it sees."
            ),
        },
    ],
    "research_assistant": [
        {
            "role": "system",
            "content": (
                "You are a research assistant working with {name}, a {job_title} at "
                "{company}. Keep findings separate from interpretation, cite what the paper "
                "actually measured, and say plainly when the evidence is thin."
            ),
        },
        {
            "role": "user",
            "content": (
                'Could you summarise "{paper_title}" ({year})? I mainly care about what it '
                "means for {topic}."
            ),
        },
        {
            "role": "assistant",
            "content": (
                "The authors used {methodology} over {duration} and analysed the data with "
                "{analysis_method}. Two results stand out:\n\n"
                "1. {finding_1}\n"
                "2. {finding_2}\n\n"
                "Their conclusion: {conclusion} For {topic}, the first result is the more "
                "directly relevant one."
            ),
        },
        {
            "role": "user",
            "content": (
                "How much weight would you put on that first result? I'd like to cite it in "
                "our internal review."
            ),
        },
        {
            "role": "assistant",
            "content": (
                "I'd cite it with care. The design is reasonable, but the study ran for "
                "{duration} at a single site, so treat the result as a promising signal "
                "rather than a settled fact. If the review allows it, pair it with a "
                "later replication; failing that, state the sample and the use of "
                "{analysis_method} next to the claim so readers can judge it themselves."
            ),
        },
    ],
}

TOOL_CALL_TEMPLATES: dict[str, dict[str, object]] = {
    "search": {
        "name": "web_search",
        "description": "Search the web and return the most relevant pages for a query.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "description": "What to search for, in plain words.",
                },
                "num_results": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 20,
                    "default": 5,
                    "description": "How many results to return.",
                },
                "safe_search": {
                    "type": "boolean",
                    "default": True,
                    "description": "Filter out explicit content.",
                },
            },
            "required": ["query"],
        },
    },
    "email": {
        "name": "send_email",
        "description": "Send an e-mail on the user's behalf.",
        "parameters": {
            "type": "object",
            "properties": {
                "to": {
                    "type": "array",
                    "items": {"type": "string", "format": "email"},
                    "minItems": 1,
                    "maxItems": 5,
                    "description": "Recipient addresses.",
                },
                "subject": {"type": "string", "description": "Subject line."},
                "body": {"type": "string", "description": "Plain-text message body."},
                "cc": {
                    "type": "array",
                    "items": {"type": "string", "format": "email"},
                    "maxItems": 3,
                    "description": "Addresses to copy in.",
                },
            },
            "required": ["to", "subject", "body"],
        },
    },
    "database": {
        "name": "execute_query",
        "description": "Run a read or write query against a relational database.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "description": "The SQL statement, with ? placeholders for parameters.",
                },
                "params": {
                    "type": "array",
                    "items": {},
                    "description": "Values bound to the statement's placeholders, in order.",
                },
                "database": {
                    "type": "string",
                    "description": "Name of the database to run against.",
                },
            },
            "required": ["query"],
        },
    },
    "file_operations": {
        "name": "file_operation",
        "description": "Read, write, list or delete files in the agent's workspace.",
        "parameters": {
            "type": "object",
            "properties": {
                "operation": {
                    "type": "string",
                    "enum": ["read", "write", "list", "delete"],
                    "description": "What to do with the path.",
                },
                "path": {
                    "type": "string",
                    "description": "File or directory path, relative to the workspace.",
                },
                "content": {
                    "type": "string",
                    "description": "Text to write; used only by the write operation.",
                },
                "encoding": {
                    "type": "string",
                    "enum": ["utf-8", "ascii", "latin-1"],
                    "default": "utf-8",
                    "description": "Text encoding for read and write.",
                },
            },
            "required": ["operation", "path"],
        },
    },
}
