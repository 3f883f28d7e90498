//! The Graph API pipeline inside one sandbox: token checks, `appsecret_proof`,
//! injected faults, dispatch on the node's kind (from the id registry, never
//! from the path), and usage accounting. The caller holds the sandbox lock;
//! nothing here awaits.

use serde_json::Value;

use super::accounts::uploads;
use super::answer::Answer;
use super::batch;
use super::debug_token;
use super::error::GraphError;
use super::fields::parse_fields;
use super::paging::PageRequest;
use super::render::{LinkBase, Renderer};
use super::request::{GraphRequest, TokenSource};
use super::routes;
use super::versions::{Version, VersionPolicy};
use super::whatsapp::derived_nodes;
use crate::world::auth::{AccessToken, TokenKind, appsecret_proof};
use crate::world::nodes::Product;
use crate::world::sandbox::Sandbox;

/// One request to run inside a sandbox.
pub struct Call<'a> {
    pub request: &'a GraphRequest,
    /// Path segments after the version.
    pub rest: &'a [String],
    pub version: Version,
    pub policy: &'a VersionPolicy,
    pub token: &'a str,
    pub token_source: TokenSource,
    /// True for the operations of a batch (a batch cannot nest).
    pub in_batch: bool,
}

/// The outcome of a call, before it becomes HTTP.
pub struct Executed {
    pub result: Result<Answer, GraphError>,
    pub trace_id: String,
    pub product: Product,
    pub headers: Vec<(&'static str, String)>,
    pub latency_ms: u64,
}

impl Executed {
    pub fn status(&self) -> u16 {
        self.result.as_ref().map_or_else(|e| e.http_status, |_| 200)
    }

    /// The answer, or the error's body.
    pub fn into_answer(self) -> Answer {
        match self.result {
            Ok(answer) => answer,
            Err(error) => Answer::Tree(error.to_body(&self.trace_id)),
        }
    }

    /// The answer or the error's body as a tree (a batch reads it).
    pub fn into_body(self) -> Value {
        self.into_answer().into_tree()
    }
}

/// The node segment's kind and the product the request belongs to, without
/// any permission check (used for faults, statuses and usage).
fn classify(
    sandbox: &Sandbox,
    token: Option<&AccessToken>,
    rest: &[String],
) -> (Option<String>, Product) {
    let Some(segment) = rest.first() else {
        return (None, Product::Graph);
    };
    let id = match segment.as_str() {
        "me" => token
            .filter(|t| t.kind != TokenKind::App)
            .map(|t| t.subject_id.clone()),
        "app" => token.map(|t| t.app_id.clone()),
        other => Some(other.to_owned()),
    };
    let product = id
        .as_deref()
        .and_then(|id| sandbox.node_kind(id))
        .map_or(Product::Graph, |kind| {
            kind.product(rest.get(1).map(String::as_str))
        });
    (id, product)
}

pub fn execute(sandbox: &mut Sandbox, call: &Call<'_>) -> Executed {
    let trace_id = sandbox.ids.trace_id();
    let token = sandbox.tokens.get(call.token).cloned();
    let (target, product) = classify(sandbox, token.as_deref(), call.rest);
    let mut executed = Executed {
        result: Ok(Answer::Tree(Value::Null)),
        trace_id,
        product,
        headers: vec![],
        latency_ms: 0,
    };
    let Some(token) = token else {
        executed.result = Err(GraphError::token_unparseable(product));
        return executed;
    };
    let now = sandbox.clock.now();
    executed.result = admit(
        sandbox,
        call,
        &token,
        product,
        now,
        &mut executed.latency_ms,
    )
    .and_then(|()| dispatch(sandbox, call, &token, &mut executed.latency_ms));
    executed.headers = usage_headers(sandbox, &token, target.as_deref(), product, now);
    executed
}

/// Token validity, `appsecret_proof`, then injected faults.
fn admit(
    sandbox: &mut Sandbox,
    call: &Call<'_>,
    token: &AccessToken,
    product: Product,
    now: i64,
    latency_ms: &mut u64,
) -> Result<(), GraphError> {
    if on_the_other_host(call.request, token) {
        return Err(GraphError::token_unparseable(product));
    }
    if let Some(problem) = token.problem(now) {
        return Err(GraphError::for_token_problem(product, problem, now));
    }
    if let Some(app) = sandbox.accounts.apps.get(&token.app_id) {
        match call.request.param_str("appsecret_proof") {
            Some(proof) if proof != appsecret_proof(call.token, &app.secret) => {
                return Err(GraphError::bad_appsecret_proof());
            }
            None if app.require_appsecret_proof && token.kind != TokenKind::App => {
                return Err(GraphError::appsecret_proof_required());
            }
            _ => {}
        }
    }
    if sandbox.faults.rules().is_empty() {
        return Ok(());
    }
    let path = format!("/{}", call.rest.join("/"));
    if let Some(hit) = sandbox
        .faults
        .check(&call.request.method, &path, product, now)
    {
        *latency_ms += hit.latency_ms;
        if let Some(error) = hit.error {
            return Err(GraphError::from_fault(&error));
        }
    }
    Ok(())
}

/// Instagram-login tokens (`IGAA…`) belong to graph.instagram.com: sent to
/// graph.facebook.com, Meta cannot parse them (research §1.1). Other host
/// names (metasim's own address) take them.
fn on_the_other_host(request: &GraphRequest, token: &AccessToken) -> bool {
    let host = request
        .base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_default();
    token.kind == TokenKind::InstagramUser && host == "graph.facebook.com"
}

/// Run the call; `latency_ms` grows by the latency faults of a batch's operations.
fn dispatch(
    sandbox: &mut Sandbox,
    call: &Call<'_>,
    token: &AccessToken,
    latency_ms: &mut u64,
) -> Result<Answer, GraphError> {
    let method = call.request.method.as_str();
    let Some((node, rest)) = call.rest.split_first() else {
        return root(sandbox, call, latency_ms).map(Answer::Tree);
    };
    if node == "debug_token" {
        return match rest {
            [] if method == "GET" => debug_token::describe(sandbox, call.request).map(Answer::Tree),
            [] => Err(GraphError::unsupported(method, node)),
            _ => Err(GraphError::unknown_path(&format!("/{}", rest.join("/")))),
        };
    }
    if node.starts_with("upload:") {
        return match rest {
            [] => uploads::session(sandbox, call.request, token, node).map(Answer::Tree),
            _ => Err(GraphError::unknown_path(&format!("/{}", rest.join("/")))),
        };
    }
    // Objects whose ids are derived from a number or a message, never registered.
    if sandbox.node_kind(node).is_none()
        && let Some(derived) = sandbox.derived_node(node)
    {
        return derived_nodes::dispatch(
            sandbox,
            call.request,
            token,
            call.version,
            node,
            derived,
            rest,
        )
        .map(Answer::Tree);
    }
    let id = resolve_node(sandbox, token, method, node)?;
    let kind = sandbox
        .node_kind(id)
        .ok_or_else(|| GraphError::unsupported(method, id))?;
    let renderer = Renderer {
        sandbox,
        token,
        links: link_base(call),
    };
    let read = method == "GET";
    match rest {
        [] if read && routes::find(kind, None, method).is_none() => {
            renderer.check_visible(method, id)?;
            let fields = parse_fields(call.request.param_text("fields").unwrap_or_default())?;
            Ok(Answer::Tree(Value::Object(
                renderer.node(id, fields.as_deref())?,
            )))
        }
        [] => routes::operate(sandbox, call.request, token, call.version, id, None),
        [edge] if read && kind.list_edge(edge).is_some() => {
            renderer.check_visible(method, id)?;
            let fields = parse_fields(call.request.param_text("fields").unwrap_or_default())?;
            let page = PageRequest::parse(
                call.request.param_str("limit"),
                call.request.param_str("after"),
                call.request.param_str("before"),
            )?;
            renderer
                .edge(id, kind, edge, fields.as_deref(), &page)
                .map(Answer::Tree)
        }
        [edge] if kind.list_edge(edge).is_some() || routes::has_edge(kind, edge) => {
            routes::operate(sandbox, call.request, token, call.version, id, Some(edge))
        }
        [edge] if routes::edge_exists_anywhere(edge) => {
            Err(GraphError::nonexisting_field(edge, kind.type_name()))
        }
        [edge] => Err(GraphError::unknown_path(&format!("/{edge}"))),
        // `/{id}/{edge}/{item}`: the item is the route's parameter.
        [edge, item] => match routes::find_item(kind, edge, method) {
            Some((route_edge, param)) => {
                let mut request = call.request.clone();
                request.query.push((param.to_owned(), item.clone()));
                routes::operate(sandbox, &request, token, call.version, id, Some(route_edge))
            }
            None => Err(GraphError::unknown_path(&format!("/{}", rest.join("/")))),
        },
        _ => Err(GraphError::unknown_path(&format!("/{}", rest.join("/")))),
    }
}

/// `me`, `app` or a node id -> the node id. Unknown numeric ids are 100/33,
/// other words are unknown aliases (803).
fn resolve_node<'a>(
    sandbox: &Sandbox,
    token: &'a AccessToken,
    method: &str,
    segment: &'a str,
) -> Result<&'a str, GraphError> {
    match segment {
        "me" if token.kind == TokenKind::App => Err(GraphError::token_required_for_me()),
        "me" => Ok(&token.subject_id),
        "app" => Ok(&token.app_id),
        // Message and conversation ids are not numeric (`m_…`, `t_…`).
        id if sandbox.node_kind(id).is_some() => Ok(id),
        id if id.bytes().all(|b| b.is_ascii_digit()) => Err(GraphError::unsupported(method, id)),
        alias => Err(GraphError::unknown_alias(alias)),
    }
}

fn root(sandbox: &mut Sandbox, call: &Call<'_>, latency_ms: &mut u64) -> Result<Value, GraphError> {
    if call.request.method != "POST" {
        return Err(GraphError::invalid_parameter(format!(
            "Unsupported {} request to the API root: only POST with a batch parameter is accepted",
            call.request.method.to_ascii_lowercase()
        )));
    }
    if call.in_batch {
        return Err(GraphError::invalid_parameter(
            "A batch request cannot contain another batch",
        ));
    }
    batch::run(sandbox, call, latency_ms)
}

fn link_base<'a>(call: &Call<'a>) -> LinkBase<'a> {
    LinkBase {
        base_url: &call.request.base_url,
        version: call.version,
        query: &call.request.query,
        token: (call.token_source != TokenSource::Header).then_some(call.token),
    }
}

/// `X-App-Usage` for every call; `X-Business-Use-Case-Usage` when the call
/// targets a business object (WABA, Page, Instagram account).
fn usage_headers(
    sandbox: &mut Sandbox,
    token: &AccessToken,
    target: Option<&str>,
    product: Product,
    now: i64,
) -> Vec<(&'static str, String)> {
    let business_object = target
        .filter(|id| {
            sandbox
                .node_kind(id)
                .is_some_and(|kind| kind.descriptor().access.business_usage)
        })
        .map(|id| sandbox.permission_target(id).to_owned());
    let (app_percent, object_percent) =
        sandbox
            .usage
            .count(now, &token.app_id, business_object.as_deref());
    let mut headers = vec![("x-app-usage", usage_json(None, app_percent))];
    if let (Some(object), Some(percent)) = (business_object, object_percent) {
        let use_case = match product {
            Product::Whatsapp => "whatsapp_business_management",
            Product::Instagram => "instagram",
            Product::Messenger => "messenger",
            Product::Graph => "pages",
        };
        let usage = usage_json(Some((&object, use_case)), percent);
        headers.push(("x-business-use-case-usage", usage));
    }
    headers
}

/// `{"call_count":p,"total_cputime":p/2,"total_time":p/2}`, or for a business
/// object `{"{id}":[{"type":…,<the same>,"estimated_time_to_regain_access":0}]}`.
/// Written by hand: these headers go out with every call.
fn usage_json(object: Option<(&str, &str)>, percent: u64) -> String {
    let mut numbers = itoa::Buffer::new();
    let mut out = String::with_capacity(160);
    if let Some((id, use_case)) = object {
        // Ids are digits and use cases plain words: no JSON escaping needed.
        out.push_str("{\"");
        out.push_str(id);
        out.push_str("\":[{\"type\":\"");
        out.push_str(use_case);
        out.push_str("\",");
    } else {
        out.push('{');
    }
    out.push_str("\"call_count\":");
    out.push_str(numbers.format(percent));
    let half = numbers.format(percent / 2);
    out.push_str(",\"total_cputime\":");
    out.push_str(half);
    out.push_str(",\"total_time\":");
    out.push_str(half);
    if object.is_some() {
        out.push_str(",\"estimated_time_to_regain_access\":0}]}");
    } else {
        out.push('}');
    }
    out
}
