//! Realistic values. Property names steer values when no `format` says otherwise: a string
//! property called `email` gets an e-mail address, `city` a city from the locale pool, `sql` a
//! SQL statement. The `x-ferrosynth` keyword ([`extension`]) asks for a provider by name, a
//! distribution, dataset-wide uniqueness ([`unique`]) or a fixed value.

pub mod extension;
pub mod unique;

/// A value family suggested by a property name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Email,
    FullName,
    FirstName,
    LastName,
    Username,
    City,
    Country,
    Company,
    StreetAddress,
    Zip,
    Phone,
    Url,
    Path,
    SearchQuery,
    Sql,
    Title,
    Paragraph,
    Uuid,
    Date,
    DateTime,
    JobTitle,
    Word,
    Database,
    Encoding,
    Currency,
    Language,
    Product,
}

impl Hint {
    /// Every provider `x-ferrosynth` can name, with its hint.
    pub const PROVIDERS: &'static [(&'static str, Hint)] = &[
        ("email", Hint::Email),
        ("name", Hint::FullName),
        ("first_name", Hint::FirstName),
        ("last_name", Hint::LastName),
        ("username", Hint::Username),
        ("city", Hint::City),
        ("country", Hint::Country),
        ("company", Hint::Company),
        ("street_address", Hint::StreetAddress),
        ("zip", Hint::Zip),
        ("phone", Hint::Phone),
        ("url", Hint::Url),
        ("path", Hint::Path),
        ("search_query", Hint::SearchQuery),
        ("sql", Hint::Sql),
        ("title", Hint::Title),
        ("paragraph", Hint::Paragraph),
        ("uuid", Hint::Uuid),
        ("date", Hint::Date),
        ("date_time", Hint::DateTime),
        ("job_title", Hint::JobTitle),
        ("word", Hint::Word),
        ("database", Hint::Database),
        ("encoding", Hint::Encoding),
        ("currency", Hint::Currency),
        ("language", Hint::Language),
        ("product", Hint::Product),
    ];

    /// The provider called `name`.
    pub fn provider(name: &str) -> Option<Hint> {
        Hint::PROVIDERS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, h)| *h)
    }
}

/// Lowercases and drops `_`, `-` and spaces: `first_name`, `firstName` and `First-Name` agree.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The hint for a string property called `name` (with its `description`, which disambiguates
/// e.g. a `query` that is SQL).
pub fn string_hint(name: &str, description: Option<&str>) -> Option<Hint> {
    let n = normalise(name);
    let singular = match n.strip_suffix("ies") {
        Some(stem) => format!("{stem}y"),
        None => n.strip_suffix('s').unwrap_or(&n).to_owned(),
    };
    let mentions_sql = description.is_some_and(|d| d.to_ascii_lowercase().contains("sql"));
    Some(match n.as_str() {
        "email" | "emails" | "emailaddress" | "to" | "cc" | "bcc" | "from" | "sender"
        | "recipient" | "recipients" | "replyto" => Hint::Email,
        "name" | "fullname" | "customername" | "displayname" | "author" | "contactname" => {
            Hint::FullName
        }
        "firstname" | "givenname" | "forename" => Hint::FirstName,
        "lastname" | "surname" | "familyname" => Hint::LastName,
        "username" | "login" | "handle" | "userid" | "screenname" => Hint::Username,
        "city" | "town" => Hint::City,
        "country" | "countryname" => Hint::Country,
        "company" | "companyname" | "organization" | "organisation" | "employer" | "org" => {
            Hint::Company
        }
        "address" | "street" | "streetaddress" | "address1" | "addressline1" => Hint::StreetAddress,
        "zip" | "zipcode" | "postalcode" | "postcode" => Hint::Zip,
        "phone" | "phonenumber" | "mobile" | "telephone" | "tel" => Hint::Phone,
        "url" | "uri" | "website" | "homepage" | "link" | "href" | "avatarurl" | "imageurl" => {
            Hint::Url
        }
        "path" | "filepath" | "file" | "filename" | "directory" | "dir" => Hint::Path,
        "sql" | "sqlquery" | "statement" => Hint::Sql,
        "query" | "q" | "searchquery" | "searchterm" | "keywords" if mentions_sql => Hint::Sql,
        "query" | "q" | "searchquery" | "searchterm" => Hint::SearchQuery,
        "subject" | "title" | "headline" | "summary" | "task" => Hint::Title,
        "body" | "content" | "message" | "text" | "description" | "comment" | "bio" | "notes"
        | "note" | "answer" | "reason" => Hint::Paragraph,
        "id" | "uuid" | "guid" | "requestid" | "traceid" | "sessionid" => Hint::Uuid,
        "date" | "birthdate" | "dateofbirth" | "dob" | "duedate" | "startdate" | "enddate" => {
            Hint::Date
        }
        "createdat" | "updatedat" | "deletedat" | "timestamp" | "datetime" | "occurredat"
        | "time" => Hint::DateTime,
        "jobtitle" | "job" | "occupation" | "position" => Hint::JobTitle,
        "tag" | "tags" | "keyword" | "keywords" | "category" | "label" | "word" => Hint::Word,
        "database" | "db" | "dbname" | "schema" => Hint::Database,
        "encoding" | "charset" => Hint::Encoding,
        "currency" | "currencycode" => Hint::Currency,
        "language" | "lang" | "programminglanguage" => Hint::Language,
        "product" | "productname" | "item" | "itemname" => Hint::Product,
        _ if n.ends_with("email") => Hint::Email,
        _ if n.ends_with("url") => Hint::Url,
        _ if singular != n => return string_hint(&singular, description),
        _ => return None,
    })
}

/// Default inclusive bounds for an integer property called `name` without explicit bounds.
pub fn integer_range(name: &str) -> Option<(i64, i64)> {
    Some(match normalise(name).as_str() {
        "age" => (18, 90),
        "year" => (1950, 2025),
        "month" => (1, 12),
        "day" => (1, 28),
        "hour" => (0, 23),
        "minute" | "second" => (0, 59),
        "quantity" | "qty" => (1, 10),
        "rating" | "stars" => (1, 5),
        "port" => (1024, 65535),
        "numresults" | "limit" | "pagesize" | "topk" => (1, 20),
        _ => return None,
    })
}

/// Default `(lo, hi, decimals)` for a number property called `name` without explicit bounds.
pub fn number_range(name: &str) -> Option<(f64, f64, i32)> {
    Some(match normalise(name).as_str() {
        "price" | "amount" | "cost" | "total" | "subtotal" | "balance" | "salary" | "fee" => {
            (1.0, 1000.0, 2)
        }
        "latitude" | "lat" => (-90.0, 90.0, 6),
        "longitude" | "lng" | "lon" => (-180.0, 180.0, 6),
        "temperature" => (0.0, 2.0, 2),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_steer_hints() {
        assert_eq!(string_hint("first_name", None), Some(Hint::FirstName));
        assert_eq!(string_hint("firstName", None), Some(Hint::FirstName));
        assert_eq!(string_hint("to", None), Some(Hint::Email));
        assert_eq!(string_hint("billing_email", None), Some(Hint::Email));
        assert_eq!(string_hint("query", Some("A SQL query")), Some(Hint::Sql));
        assert_eq!(
            string_hint("query", Some("The search query")),
            Some(Hint::SearchQuery)
        );
        assert_eq!(string_hint("cities", None), Some(Hint::City));
        assert_eq!(string_hint("zzz", None), None);
    }
}
