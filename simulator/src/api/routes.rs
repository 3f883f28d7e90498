//! The Graph API's writes and special reads as tables of routes. Each product
//! declares its rows — `(kind, edge, method, access, handler)` — in
//! `api/<product>/routes.rs`; this module finds the row for a call, checks
//! the access the row names, and runs its handler. Anything without a row
//! answers Meta's "Unsupported {verb} request" (100/33).

use serde_json::{Value, json};

use super::answer::Answer;
use super::error::GraphError;
use super::render::check_visible;
use super::request::GraphRequest;
use super::versions::Version;
use super::{accounts, instagram, messenger, pages, webhooks, whatsapp};
use crate::world::auth::{AccessToken, TokenKind};
use crate::world::nodes::NodeKind;
use crate::world::sandbox::Sandbox;

/// `{"success": true}`, Meta's answer to a successful update or action.
pub fn success() -> Value {
    json!({ "success": true })
}

/// Every product's route table.
const TABLES: &[&[Route]] = &[
    accounts::routes::ROUTES,
    whatsapp::routes::ROUTES,
    pages::routes::ROUTES,
    messenger::routes::ROUTES,
    instagram::routes::ROUTES,
    webhooks::routes::ROUTES,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    fn parse(method: &str) -> Option<Method> {
        match method {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// What a token needs for a route, checked before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// What reading the node needs: its kind's read scope, covering the node.
    ReadScope,
    /// This scope, covering the node, instead of the read scope (sending a
    /// message needs the messaging scope, not the management one).
    Scope(&'static str),
    /// That Page's own token (Meta's 210), then this scope if given (200).
    PageToken(Option<&'static str>),
    /// That app's own app token (Meta's 15).
    AppToken,
}

/// One call, as a handler gets it.
pub struct Operation<'a> {
    pub sandbox: &'a mut Sandbox,
    pub request: &'a GraphRequest,
    pub token: &'a AccessToken,
    /// The node the call is on.
    pub id: &'a str,
    /// The version that serves the call.
    pub version: Version,
}

pub type Handler = fn(Operation<'_>) -> Result<Value, GraphError>;

/// A handler that answers with a typed value encoded at once (hot routes).
pub type AnsweringHandler = fn(Operation<'_>) -> Result<Answer, GraphError>;

/// How a route runs: most build a JSON tree, hot ones encode a typed answer.
#[derive(Clone, Copy)]
pub enum Run {
    Tree(Handler),
    Answering(AnsweringHandler),
}

/// A route: `method /{id of kind}/{edge}` (or the node itself without an edge).
pub struct Route {
    pub kind: NodeKind,
    pub edge: Option<&'static str>,
    pub method: Method,
    pub access: Access,
    pub run: Run,
}

impl Route {
    /// A route that needs what reading its node needs.
    pub const fn new(
        kind: NodeKind,
        edge: Option<&'static str>,
        method: Method,
        handler: Handler,
    ) -> Route {
        Route::running(kind, edge, method, Run::Tree(handler))
    }

    /// A route whose handler encodes a typed answer.
    pub const fn answering(
        kind: NodeKind,
        edge: Option<&'static str>,
        method: Method,
        handler: AnsweringHandler,
    ) -> Route {
        Route::running(kind, edge, method, Run::Answering(handler))
    }

    const fn running(
        kind: NodeKind,
        edge: Option<&'static str>,
        method: Method,
        run: Run,
    ) -> Route {
        Route {
            kind,
            edge,
            method,
            access: Access::ReadScope,
            run,
        }
    }

    /// The same route with other access requirements.
    pub const fn access(mut self, access: Access) -> Route {
        self.access = access;
        self
    }
}

fn routes() -> impl Iterator<Item = &'static Route> {
    TABLES.iter().flat_map(|table| table.iter())
}

/// The route for a call, if any product declares it.
pub fn find(kind: NodeKind, edge: Option<&str>, method: &str) -> Option<&'static Route> {
    let method = Method::parse(method)?;
    routes().find(|r| r.kind == kind && r.edge == edge && r.method == method)
}

/// The route of `/{id}/{edge}/{item}` for this method, declared with the
/// edge `"{edge}/{param}"`: the route's edge and the parameter the path's
/// item becomes (`message_qrdls/{code}`).
pub fn find_item(kind: NodeKind, edge: &str, method: &str) -> Option<(&'static str, &'static str)> {
    let method = Method::parse(method)?;
    routes()
        .filter(|r| r.kind == kind && r.method == method)
        .filter_map(|r| r.edge)
        .find_map(|declared| {
            let param = declared
                .strip_prefix(edge)?
                .strip_prefix("/{")?
                .strip_suffix('}')?;
            Some((declared, param))
        })
}

/// Whether `edge` of `kind` has any route (whatever the method).
pub fn has_edge(kind: NodeKind, edge: &str) -> bool {
    routes().any(|r| r.kind == kind && r.edge == Some(edge))
}

/// Whether any node kind has this edge, as a list or a route (an edge on the
/// wrong node is a "nonexisting field" rather than an unknown path).
pub fn edge_exists_anywhere(edge: &str) -> bool {
    routes().any(|r| r.edge == Some(edge))
        || NodeKind::ALL
            .iter()
            .any(|kind| kind.list_edge(edge).is_some())
}

/// Run the route for `method /{id}/{edge}`, or answer Meta's 100/33.
pub fn operate(
    sandbox: &mut Sandbox,
    request: &GraphRequest,
    token: &AccessToken,
    version: Version,
    id: &str,
    edge: Option<&str>,
) -> Result<Answer, GraphError> {
    let method = request.method.as_str();
    let kind = sandbox
        .node_kind(id)
        .ok_or_else(|| GraphError::unsupported(method, id))?;
    let Some(route) = find(kind, edge, method) else {
        check_visible(sandbox, token, method, id)?;
        return Err(GraphError::unsupported(method, id));
    };
    check_access(sandbox, token, route, edge, method, id)?;
    let operation = Operation {
        sandbox,
        request,
        token,
        id,
        version,
    };
    match route.run {
        Run::Tree(handler) => handler(operation).map(Answer::Tree),
        Run::Answering(handler) => handler(operation),
    }
}

fn check_access(
    sandbox: &Sandbox,
    token: &AccessToken,
    route: &Route,
    edge: Option<&str>,
    method: &str,
    id: &str,
) -> Result<(), GraphError> {
    let product = route.kind.product(edge);
    let require_scope = |scope: &str| {
        if !token.has_scope(scope) {
            return Err(GraphError::missing_permission(product, scope));
        }
        Ok(())
    };
    match route.access {
        Access::ReadScope => check_visible(sandbox, token, method, id).map(drop),
        Access::Scope(scope) => {
            require_scope(scope)?;
            if token.scope_covers(scope, sandbox.permission_target(id)) {
                Ok(())
            } else {
                Err(GraphError::unsupported(method, id))
            }
        }
        Access::PageToken(scope) => {
            check_visible(sandbox, token, method, id)?;
            if !(token.kind == TokenKind::Page && token.subject_id == id) {
                return Err(GraphError::new(
                    403,
                    "OAuthException",
                    210,
                    "(#210) A page access token is required to request this resource.",
                ));
            }
            scope.map_or(Ok(()), require_scope)
        }
        Access::AppToken => {
            check_visible(sandbox, token, method, id)?;
            if token.kind == TokenKind::App && token.app_id == id {
                Ok(())
            } else {
                Err(GraphError::new(
                    400,
                    "OAuthException",
                    15,
                    "(#15) This method must be called with an app access_token.",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_declared_once_and_not_as_a_list_edge_read() {
        let all: Vec<&Route> = routes().collect();
        for (i, route) in all.iter().enumerate() {
            for other in &all[i + 1..] {
                assert!(
                    !(route.kind == other.kind
                        && route.edge == other.edge
                        && route.method == other.method),
                    "{:?} {:?} {:?} is declared twice",
                    route.kind,
                    route.edge,
                    route.method
                );
            }
            if let Some(edge) = route.edge
                && route.method == Method::Get
            {
                assert!(
                    route.kind.list_edge(edge).is_none(),
                    "{:?}/{edge}: a GET route would shadow the list edge",
                    route.kind
                );
            }
        }
    }
}
