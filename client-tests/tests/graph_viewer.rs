//! What a node answers depends on who asks: `GET /{page-id}?fields=access_token`
//! (Meta's documented way to get a Page token) gives the Page token of the
//! asking user or Page, and nothing to anyone else; `GET /me/permissions`
//! lists what the token's user granted its app.

use client_tests::{Sim, V, json, unsupported};

#[tokio::test]
async fn a_page_gives_its_token_to_those_who_manage_it() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(71).await;
    let page = sandbox.id_of("page");
    let user = sandbox.token("user_token");
    let accounts = sim.get_as(user, &format!("/{V}/me/accounts")).await;
    let page_token = accounts.ok()["data"][0]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/{V}/{page}?fields=access_token,name");
    let by_user = sim.get_as(user, &path).await;
    assert_eq!(
        by_user.ok(),
        &json!({ "access_token": page_token, "name": "Lucky Shrub", "id": page })
    );
    let by_page = sim.get_as(&page_token, &path).await;
    assert_eq!(by_page.ok()["access_token"], page_token.as_str());
    let by_stranger = sim.get_as(sandbox.token("system_user_token"), &path).await;
    assert_eq!(
        by_stranger.ok(),
        &json!({ "name": "Lucky Shrub", "id": page })
    );
}

#[tokio::test]
async fn me_permissions_lists_what_the_token_was_granted() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(72).await;
    let reply = sim
        .get_as(
            sandbox.token("system_user_token"),
            &format!("/{V}/me/permissions"),
        )
        .await;
    assert_eq!(
        reply.ok()["data"],
        json!([
            { "permission": "whatsapp_business_management", "status": "granted" },
            { "permission": "whatsapp_business_messaging", "status": "granted" },
            { "permission": "business_management", "status": "granted" },
            { "permission": "public_profile", "status": "granted" },
        ])
    );
    let user = sandbox.token("user_token");
    let mine = sim.get_as(user, &format!("/{V}/me/permissions")).await;
    assert_eq!(
        mine.ok()["data"][0],
        json!({ "permission": "public_profile", "status": "granted" })
    );
    let other = sandbox.id_of("system_user");
    let theirs = sim.get_as(user, &format!("/{V}/{other}/permissions")).await;
    theirs.assert_error(400, 100, Some(33), "GraphMethodException");
    assert_eq!(theirs.message(), unsupported("get", other));
}
