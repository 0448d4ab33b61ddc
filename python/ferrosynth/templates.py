"""Built-in conversation and tool-call templates.

``CONVERSATION_TEMPLATES`` maps a template name to its turns, each ``{"role", "content"}``.
``TOOL_CALL_TEMPLATES`` maps a template name to an OpenAI-style function spec
``{"name", "description", "parameters"}`` whose ``parameters`` is a JSON Schema object.

Placeholders in ``content`` are ``{name}`` tokens that the Rust core fills per sample. Within one
conversation the same placeholder always gets the same value (a customer keeps one name and one
e-mail address); a numeric suffix asks for an independent value of the same kind (``{finding_1}``
and ``{finding_2}`` are two different findings). ``{{`` and ``}}`` are literal braces. Any other
brace is an error. The vocabulary:

- ``name``: the full name of the conversation's person
- ``first_name``: that person's first name
- ``last_name``: that person's last name
- ``email``: an e-mail address derived from that person's name
- ``phone``: a phone number
- ``username``: a login handle derived from that person's name
- ``company``: a company name from the locale
- ``city``: a city from the locale
- ``country``: a country name from the locale
- ``street_address``: a house number and street
- ``job_title``: a job title from the locale
- ``product``: a consumer product ("standing desk", "running shoes")
- ``order_id``: an order reference ("ORD-483920")
- ``amount``: a money amount with two decimals, no currency ("149.99")
- ``date``: a date shortly after the anchor time ("2025-01-03")
- ``year``: a year between 2015 and 2024
- ``number``: a positive whole number
- ``language``: a programming language ("Rust")
- ``task``: a programming task as a verb phrase ("parse a CSV file")
- ``function_name``: a snake_case function name
- ``topic``: a research topic ("urban heat islands")
- ``paper_title``: a paper title
- ``finding``: a research finding as a lowercase clause, no full stop
- ``conclusion``: a research conclusion as a lowercase clause, no full stop
- ``methodology``: a study design as an adjective ("randomized controlled")
- ``duration``: a study duration ("18 months")
- ``analysis_method``: a statistical or analytical method
- ``word``: a word from the locale's word list
- ``sentence``: a sentence of prose in the template's domain (see below)
- ``paragraph``: three sentences of prose in the template's domain
- ``ticket_id``: a support ticket id ("TCK-58213")
- ``tracking_number``: a parcel tracking number ("1Z4F83A20391827364")
- ``invoice_id``: an invoice number ("INV-2025-00417")
- ``sku``: a stock-keeping unit ("SKU-40213-BK")
- ``quantity``: an item quantity between 1 and 12
- ``currency``: an ISO 4217 currency code ("EUR")
- ``url``: a web address
- ``file_path``: an absolute file path ("/home/ana/reports/summary.csv")
- ``sql``: a SQL statement
- ``search_query``: a web search query ("reviews of standing desk")
- ``time``: a time of day ("14:30")
- ``datetime``: a UTC date-time within a year before the anchor time
- ``percent``: a percentage ("37%")
- ``version``: a semantic version ("2.4.1")
- ``package``: a software library ("serde")
- ``error_message``: an error message from a program
- ``code_snippet``: a few lines of code in the conversation's ``{language}``
- ``journal``: an academic journal
- ``doi``: a DOI ("10.1038/s41586-021-03819-2")
- ``sample_size``: a study sample size ("n = 412")

``sentence`` and ``paragraph`` are prose of the template's domain (``general``,
``customer_support``, ``coding`` or ``research``), not lorem ipsum: the built-in templates have
the domains in :data:`TEMPLATE_DOMAINS`; other templates use the ``domain`` constraint
(default ``general``). Values that name one thing (an order id, a product) keep one value within
a conversation; prose, numbers and queries vary.

Templates from files: :func:`ferrosynth.template_loader.load_templates` reads YAML or JSON and
checks every template at load time. Use one with
``constraints={"template_file": "mine.yaml", "template": "refund"}`` (or pass its turns inline
as ``constraints={"template": [...]}``).
"""

from __future__ import annotations

from ferrosynth import _native

__all__ = ["CONVERSATION_TEMPLATES", "TOOL_CALL_TEMPLATES"]

#: The placeholder names the Rust core implements (each may also carry a ``_<digits>`` suffix).
PLACEHOLDERS: frozenset[str] = frozenset(name for name, _ in _native.placeholder_vocabulary())

#: The domain of ``{sentence}`` and ``{paragraph}`` in each built-in template.
TEMPLATE_DOMAINS: dict[str, str] = {
    "customer_support": "customer_support",
    "code_assistant": "coding",
    "research_assistant": "research",
}

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
                "Hi, this is {first_name} {last_name}. I'm writing about order {order_id} "
                "from {date}, the {product}. The parcel still hasn't arrived and the tracking "
                "page hasn't moved in days."
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
                "charge, or refund the full {amount} to your original payment method. Which would "
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
                "I'm working in {language} and need to {task}. The hot spot is "
                "`{function_name}`; my Python sketch of it boils down to this:\n\n"
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
                "You are a research assistant working with {name} from {company}. Keep "
                "findings separate from interpretation, cite what the paper "
                "actually measured, and say plainly when the evidence is thin."
            ),
        },
        {
            "role": "user",
            "content": (
                "Could you summarise the {year} {methodology} study on {topic} by "
                "{last_name_2} et al.? I mainly care about the practical implications."
            ),
        },
        {
            "role": "assistant",
            "content": (
                "The study covers {duration} of data, analysed with {analysis_method}.\n\n"
                "Key results:\n"
                "1. In the main analysis, {finding_1}.\n"
                "2. In a secondary analysis, {finding_2}.\n\n"
                "The authors conclude that {conclusion}. Of the two results, the first bears "
                "most directly on practice."
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
                "I'd cite it with care. It comes from a single study covering {duration} of "
                "data, with no replication yet, so treat it as a promising signal rather than "
                "a settled fact. If you can, look for an independent replication first; "
                "failing that, state the design ({methodology}) and the use of "
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
