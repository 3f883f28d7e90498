//! Every field of every node kind. For each kind metasim knows
//! (`NodeKind::ALL`, so kinds added later are covered too) the nodes of that
//! kind in a demo sandbox are read with every field of the kind's
//! descriptor: 200, never `nonexisting field`. Every list edge is read with
//! every field of its items. Across the nodes of a kind, every field is
//! answered but the descriptor's `unset_fields` (those Meta omits until
//! set), and none of those is answered; the WhatsApp business profile's
//! fields likewise. Two sandboxes of one seed
//! answer byte for byte the same, token strings aside.

use std::collections::{BTreeMap, BTreeSet};

use client_tests::instagram::{comment, direct, post_media};
use client_tests::messenger::{page_token, send, write};
use client_tests::solutions::{join, partnership};
use client_tests::whatsapp::{MANAGER, phone, spring_sale, upload_media};
use client_tests::{Reply, Sandbox, Sim, V, Value, json};
use metasim::world::nodes::NodeKind;
use metasim::world::whatsapp::profile::{PROFILE_FIELDS, PROFILE_UNSET_FIELDS};
use reqwest::Method;

/// Every field of `known` is in `answered` or in `unset` (those Meta omits
/// until set, which the furnished sandbox leaves unset), and no field of
/// `unset` is answered: so a field that stops, or starts, being answered
/// shows here.
#[track_caller]
fn assert_every_field_considered(
    name: &str,
    known: &[&str],
    answered: &BTreeSet<String>,
    unset: &[&str],
) {
    let missing: Vec<&str> = known
        .iter()
        .copied()
        .filter(|f| !unset.contains(f) && !answered.contains(*f))
        .collect();
    assert!(missing.is_empty(), "{name} never answered {missing:?}");
    let misplaced: Vec<&str> = unset
        .iter()
        .copied()
        .filter(|f| answered.contains(*f))
        .collect();
    assert!(
        misplaced.is_empty(),
        "{name}: {misplaced:?} are listed as unset, but were answered"
    );
}

fn kind_name(kind: NodeKind) -> String {
    serde_json::to_value(kind)
        .expect("a kind serializes")
        .as_str()
        .expect("as its snake_case name")
        .to_owned()
}

async fn post(sim: &Sim, sandbox: &Sandbox, path: &str, body: Value) -> Value {
    let reply = sim
        .send(
            sim.request(Method::POST, &format!("/{V}{path}"))
                .bearer_auth(sandbox.token(MANAGER))
                .json(&body),
        )
        .await;
    reply.ok().clone()
}

/// Give every kind a node, and the optional fields a value where the API
/// can set one: a media upload, a Flow with an endpoint, a template with a
/// time-to-live and creative optimisations whose category then changed, a
/// WABA with a purchase order number, the number linked to the Page, a
/// group with a description, a business username, a pre-verified number, a Multi-Partner
/// Solution the WABA joined, a mobility intent onto it in progress, a
/// credit line shared with the WABA, a template group (without a
/// description: Meta leaves it out until set), an Instagram post with
/// comments, and
/// Messenger and Instagram messages beyond text.
async fn furnish(sim: &Sim, sandbox: &Sandbox) {
    let solution = partnership(sim, sandbox, true).await.solution;
    join(sim, sandbox, &solution).await;
    post(
        sim,
        sandbox,
        &format!("/{}/obo_mobility_intent", sandbox.id_of("waba")),
        json!({ "solution_id": solution, "intent_type": "REQUEST_HANDOVER" }),
    )
    .await;
    upload_media(sim, sandbox, "image/png", b"\x89PNG fields").await;
    post(
        sim,
        sandbox,
        &format!("/{}/groups", phone(sandbox)),
        json!({ "messaging_product": "whatsapp", "subject": "Fields", "description": "Every field" }),
    )
    .await;
    post(
        sim,
        sandbox,
        &format!("/{}/username", phone(sandbox)),
        json!({ "username": "luckyshrub" }),
    )
    .await;
    post(
        sim,
        sandbox,
        &format!("/{}/add_phone_numbers", sandbox.id_of("business")),
        json!({ "phone_number": "+1 555 010 4545" }),
    )
    .await;
    let waba = sandbox.id_of("waba");
    let spec = json!({ "creative_features_spec": [{ "key": "image_brightness_and_contrast", "value": "OPT_IN" }] });
    post(
        sim,
        sandbox,
        &format!("/{waba}/flows"),
        json!({ "name": "Fields", "categories": ["OTHER"], "endpoint_uri": "https://luckyshrub.example/flow" }),
    )
    .await;
    let template = post(
        sim,
        sandbox,
        &format!("/{waba}/message_templates"),
        json!({
            "name": "fields", "language": "en_US", "category": "MARKETING",
            "message_send_ttl_seconds": 86_400, "degrees_of_freedom_spec": spec,
            "components": [{ "type": "BODY", "text": "All fields." }],
        }),
    )
    .await;
    let template = template["id"].as_str().expect("a template id");
    post(
        sim,
        sandbox,
        &format!("/{template}"),
        json!({ "category": "UTILITY" }),
    )
    .await;
    post(
        sim,
        sandbox,
        &format!("/{waba}/template_groups"),
        json!({ "name": "Fields", "whatsapp_business_templates": [template] }),
    )
    .await;
    post(
        sim,
        sandbox,
        &format!("/{waba}"),
        json!({
            "purchase_order_number": "PO-1", "degrees_of_freedom_spec": spec,
            "is_enabled_for_insights": true,
        }),
    )
    .await;
    let business = sandbox.id_of("business");
    let credit = sim
        .post_json(
            &sandbox.sim(&format!("/whatsapp/businesses/{business}/credit_lines")),
            &json!({ "legal_entity_name": "Lucky Shrub Ltd" }),
        )
        .await;
    assert_eq!(credit.status, 201, "{}", credit.text());
    let line = credit.json["id"].as_str().expect("a credit line id");
    post(
        sim,
        sandbox,
        &format!("/{line}/whatsapp_credit_sharing_and_attach"),
        json!({ "waba_id": waba, "waba_currency": "USD" }),
    )
    .await;
    let page = sandbox.id_of("page");
    let link = sim
        .post_json(
            &sandbox.sim(&format!("/pages/{page}/whatsapp-link")),
            &json!({ "phone_number_id": phone(sandbox) }),
        )
        .await;
    assert_eq!(link.status, 201, "{}", link.text());
    // A post and a reel of the business's Instagram account, Kai's comment
    // and the business's reply; Kai's own post and comment mention the
    // business (its `mentioned_media` and `mentioned_comment`).
    let instagram = sandbox.id_of("instagram");
    let media_id = post_media(
        sim,
        sandbox,
        instagram,
        json!({ "caption": "New ferns are in" }),
    )
    .await;
    let reel =
        json!({ "caption": "Repotting", "media_type": "VIDEO", "media_product_type": "REELS" });
    post_media(sim, sandbox, instagram, reel).await;
    let kai = sandbox.id_of("kai");
    let lovely = json!({ "media_id": media_id, "text": "Lovely!" });
    let parent = comment(sim, sandbox, kai, lovely).await;
    let reply = json!({ "media_id": media_id, "text": "Which one?", "parent_id": parent });
    comment(sim, sandbox, instagram, reply).await;
    let mentioning = post_media(sim, sandbox, kai, json!({ "caption": MENTIONING_CAPTION })).await;
    let text = json!({ "media_id": mentioning, "text": MENTIONING_COMMENT });
    comment(sim, sandbox, kai, text).await;
    furnish_messages(sim, sandbox).await;
}

/// Kai's caption and comment that mention the business.
const MENTIONING_CAPTION: &str = "Repotting day with @luckyshrub";
const MENTIONING_COMMENT: &str = "Thanks @luckyshrub!";

/// Messages with the fields text leaves unset: on Messenger, Ana sends a
/// photo and reacts to the Page's answer; on Instagram, Kai answers the
/// business's story, sends a photo and reacts to the answer (sent through
/// the connected Page).
async fn furnish_messages(sim: &Sim, sandbox: &Sandbox) {
    let token = page_token(sim, sandbox).await;
    let photo = json!({ "attachment": { "type": "image",
        "payload": { "url": "https://luckyshrub.example/fern.jpg" } } });
    let ana = sandbox.id_of("ana");
    let wrote = write(sim, sandbox, ana, sandbox.id_of("page"), photo.clone()).await;
    assert_eq!(wrote.status, 201, "{}", wrote.text());
    let psid = wrote.json["psid"].as_str().expect("a PSID");
    let kai = sandbox.id_of("kai");
    let business = sandbox.id_of("instagram");
    let story = json!({ "text": "Gorgeous!", "reply_to": { "story": {
        "url": "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1", "id": "17900000000000001" } } });
    let mut igsid = String::new();
    for message in [story, photo] {
        let wrote = direct(sim, sandbox, kai, business, message).await;
        assert_eq!(wrote.status, 201, "{}", wrote.text());
        igsid = wrote.json["igsid"].as_str().expect("an IGSID").to_owned();
    }
    for (person, scoped, product) in [(ana, psid, "facebook"), (kai, igsid.as_str(), "instagram")] {
        let answer = send(sim, sandbox, &token, scoped, json!({ "text": "Thanks!" })).await;
        let mid = answer.ok()["message_id"].as_str().expect("a message id");
        let reacted = sim
            .post_json(
                &sandbox.sim(&format!("/{product}/users/{person}/reactions")),
                &json!({ "mid": mid, "reaction": "love" }),
            )
            .await;
        assert_eq!(reacted.status, 200, "{}", reacted.text());
    }
}

/// Every node of the sandbox the Graph API shows, by kind name (from its
/// snapshot's registry; personal Instagram accounts, their posts and the
/// comments on those are never Graph nodes).
async fn nodes_by_kind(sim: &Sim, sandbox: &Sandbox) -> BTreeMap<String, Vec<String>> {
    let snapshot = sim.get(&sandbox.sim("/snapshot")).await;
    let snapshot = snapshot.ok();
    let instagram = &snapshot["instagram"];
    let personal = |id: &str| instagram["accounts"][id]["account_type"] == json!("PERSONAL");
    let personal_post = |id: &Value| {
        id.as_str().is_some_and(|id| {
            instagram["media"][id]["owner"]
                .as_str()
                .is_some_and(personal)
        })
    };
    let mut nodes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, kind) in snapshot["registry"].as_object().expect("a registry") {
        let post = json!(id);
        if personal(id)
            || personal_post(&post)
            || personal_post(&instagram["comments"][id]["media_id"])
        {
            continue;
        }
        let kind = kind.as_str().expect("a kind name").to_owned();
        nodes.entry(kind).or_default().push(id.clone());
    }
    nodes
}

/// The tokens that read the sandbox: the owner's, the system user's and
/// the demo Page's (Messenger and the Page's Instagram conversations answer
/// only to it).
async fn readers(sim: &Sim, sandbox: &Sandbox) -> Vec<String> {
    let page = page_token(sim, sandbox).await;
    vec![
        sandbox.token("user_token").to_owned(),
        sandbox.token(MANAGER).to_owned(),
        page,
    ]
}

/// GET with each of `tokens`; the answers of those that may read the path
/// (at least one may).
async fn read(sim: &Sim, tokens: &[String], path: &str) -> Vec<Reply> {
    let mut readable = Vec::new();
    let mut refused = Vec::new();
    for token in tokens {
        let reply = sim.get_as(token, &format!("/{V}{path}")).await;
        if reply.status == 200 {
            readable.push(reply);
        } else {
            refused.push(reply.text());
        }
    }
    assert!(!readable.is_empty(), "{path}: {refused:?}");
    readable
}

#[track_caller]
fn assert_read(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 200, "{what}: {}", reply.text());
    assert!(
        !reply.text().contains("nonexisting field"),
        "{what}: {}",
        reply.text()
    );
}

/// An answer as text, with a media download URL (signed per sandbox) replaced.
fn transcript_line(reply: &Reply) -> String {
    let mut json = reply.json.clone();
    if json["url"]
        .as_str()
        .is_some_and(|url| url.contains("/whatsapp_business/attachments/"))
    {
        json["url"] = json!("media-url");
    }
    json.to_string()
}

/// The ids the fields that need arguments name.
struct Arguments {
    /// The demo's `spring_sale` template.
    template: String,
    /// The furnished template group.
    group: String,
    /// Kai's post and comment that mention the business.
    mentioning_media: String,
    mentioning_comment: String,
}

/// Every field of `kind` as a `fields` parameter; the WABA's analytics
/// fields, which need arguments, with a day of the sandbox's clock (and the
/// template for `template_analytics`, the template group for
/// `template_group_analytics` and, as an id without activity,
/// `group_analytics`), a Flow's `metric` with a name and a
/// granularity, and an IG User's lookups: the business itself by username,
/// the post and comment that mention it.
fn every_field(kind: NodeKind, arguments: &Arguments) -> String {
    let Arguments {
        template,
        group,
        mentioning_media,
        mentioning_comment,
    } = arguments;
    let day = ".start(1767225600).end(1767312000)";
    kind.known_fields()
        .iter()
        .map(|field| match *field {
            "analytics" => format!("analytics{day}.granularity(DAY)"),
            "pricing_analytics" | "conversation_analytics" | "call_analytics" => {
                format!("{field}{day}.granularity(DAILY)")
            }
            "template_analytics" => {
                format!("template_analytics{day}.granularity(DAILY).template_ids([{template}])")
            }
            "template_group_analytics" => format!(
                "template_group_analytics{day}.granularity(DAILY).template_group_ids([{group}])"
            ),
            // Any id will do: a group without activity answers no point.
            "group_analytics" => {
                format!("group_analytics{day}.granularity(DAILY).group_ids([{group}])")
            }
            "metric" => "metric.name(ENDPOINT_REQUEST_COUNT).granularity(DAY)".to_owned(),
            "business_discovery" => "business_discovery.username(luckyshrub)".to_owned(),
            "mentioned_media" => format!("mentioned_media.media_id({mentioning_media})"),
            "mentioned_comment" => format!("mentioned_comment.comment_id({mentioning_comment})"),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Read every node with every field, and every list edge with every field
/// of its items; the answers, in a stable order, and which fields each kind
/// answered.
async fn read_everything(
    sim: &Sim,
    sandbox: &Sandbox,
) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let nodes = nodes_by_kind(sim, sandbox).await;
    let tokens = readers(sim, sandbox).await;
    let snapshot = sim.get(&sandbox.sim("/snapshot")).await;
    let instagram = &snapshot.ok()["instagram"];
    let find = |items: &str, key: &str, text: &str| {
        let items = instagram[items].as_object().expect("posts and comments");
        let (id, _) = items
            .iter()
            .find(|(_, item)| item[key] == json!(text))
            .expect("furnished");
        id.clone()
    };
    let arguments = Arguments {
        template: spring_sale(sim, sandbox).await,
        group: nodes
            .get("template_group")
            .and_then(|ids| ids.first())
            .cloned()
            .unwrap_or_default(),
        mentioning_media: find("media", "caption", MENTIONING_CAPTION),
        mentioning_comment: find("comments", "text", MENTIONING_COMMENT),
    };
    let kind_of = |id: &str| {
        NodeKind::ALL.iter().copied().find(|k| {
            nodes
                .get(&kind_name(*k))
                .is_some_and(|ids| ids.iter().any(|n| n == id))
        })
    };
    let mut answers = Vec::new();
    let mut answered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for kind in NodeKind::ALL {
        let name = kind_name(*kind);
        let ids = nodes.get(&name).cloned().unwrap_or_default();
        assert!(
            !ids.is_empty(),
            "no node of kind {name} in the demo sandbox: give this test one (see `furnish`)"
        );
        let fields = every_field(*kind, &arguments);
        for id in &ids {
            for reply in read(sim, &tokens, &format!("/{id}?fields={fields}")).await {
                assert_read(&reply, &format!("{name} {id}"));
                let object = reply.json.as_object().expect("a node is an object");
                answered
                    .entry(name.clone())
                    .or_default()
                    .extend(object.keys().cloned());
                answers.push(transcript_line(&reply));
            }
            for edge in kind.descriptor().edges {
                for listed in read(sim, &tokens, &format!("/{id}/{}", edge.name)).await {
                    let Some(item_kind) = listed.json["data"][0]["id"].as_str().and_then(kind_of)
                    else {
                        continue;
                    };
                    let item_fields = every_field(item_kind, &arguments);
                    let path = format!("/{id}/{}?fields={item_fields}", edge.name);
                    for reply in read(sim, &tokens, &path).await {
                        assert_read(&reply, &path);
                        answers.push(transcript_line(&reply));
                    }
                }
            }
        }
    }
    (answers, answered)
}

#[tokio::test]
async fn every_field_of_every_kind_is_accepted_and_answered() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(41).await;
    furnish(&sim, &sandbox).await;
    let (_, answered) = read_everything(&sim, &sandbox).await;
    for kind in NodeKind::ALL {
        let name = kind_name(*kind);
        let unset = kind.descriptor().unset_fields;
        assert_every_field_considered(&name, kind.known_fields(), &answered[&name], unset);
    }
    let profile = sim
        .get_as(
            sandbox.token(MANAGER),
            &format!(
                "/{V}/{}/whatsapp_business_profile?fields={}",
                phone(&sandbox),
                PROFILE_FIELDS.join(",")
            ),
        )
        .await;
    assert_read(&profile, "whatsapp_business_profile");
    let profile = profile.json["data"][0]
        .as_object()
        .expect("one profile")
        .keys()
        .cloned()
        .collect();
    assert_every_field_considered(
        "whatsapp_business_profile",
        PROFILE_FIELDS,
        &profile,
        PROFILE_UNSET_FIELDS,
    );
}

#[tokio::test]
async fn every_field_answers_alike_for_one_seed() {
    let sim = Sim::start().await;
    let mut transcripts = Vec::new();
    for _ in 0..2 {
        let sandbox = sim.demo(42).await;
        furnish(&sim, &sandbox).await;
        let (answers, _) = read_everything(&sim, &sandbox).await;
        let accounts = sim
            .get_as(sandbox.token("user_token"), &format!("/{V}/me/accounts"))
            .await;
        let page_token = accounts.ok()["data"][0]["access_token"]
            .as_str()
            .expect("a Page token")
            .to_owned();
        let mut names: Vec<(String, String)> = sandbox
            .tokens
            .iter()
            .map(|(handle, token)| (token.clone(), handle.clone()))
            .collect();
        names.push((page_token, "page_token".to_owned()));
        let text = answers.join("\n");
        transcripts.push(
            names
                .iter()
                .fold(text, |text, (token, name)| text.replace(token, name)),
        );
    }
    assert_eq!(transcripts[0], transcripts[1]);
}
