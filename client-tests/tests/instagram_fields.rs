//! The values of the IG Media, IG Comment, IG User and conversation fields
//! beyond the basics, as the sandbox holds them: a reel's thumbnail and
//! share to feed (absent on a photo), totals equal to the post's own
//! counts, legacy ids; a comment's author as an IG User only when the
//! account wrote it; `business_discovery` of another professional account
//! (and Meta's errors for a username that names none, for a field it may
//! not read); `mentioned_media` and `mentioned_comment` of a post and a
//! comment that mention the account (100/33 for one that does not); a
//! conversation's folder, former participants and thread key on Messenger
//! and Instagram. An unknown field is still Meta's #100.

use client_tests::instagram::{comment, new_account, post_media as post};
use client_tests::messenger::page_token;
use client_tests::{Reply, Sim, V, json};

/// `GET /{id}?fields={fields}` with `token`.
async fn read(sim: &Sim, token: &str, id: &str, fields: &str) -> Reply {
    sim.get_as(token, &format!("/{V}/{id}?fields={fields}"))
        .await
}

#[tokio::test]
async fn media_and_comment_fields_follow_the_post() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(621).await;
    let token = page_token(&sim, &sandbox).await;
    let business = sandbox.id_of("instagram").to_owned();
    let kai = sandbox.id_of("kai").to_owned();
    let reel =
        json!({ "caption": "Repotting", "media_type": "VIDEO", "media_product_type": "REELS" });
    let reel = post(&sim, &sandbox, &business, reel).await;
    let photo = post(&sim, &sandbox, &business, json!({ "caption": "Ferns" })).await;
    let asked = comment(
        &sim,
        &sandbox,
        &kai,
        json!({ "media_id": reel, "text": "Which pot?" }),
    )
    .await;
    let answer = json!({ "media_id": reel, "text": "Terracotta", "parent_id": asked });
    let answered = comment(&sim, &sandbox, &business, answer).await;

    let fields = "thumbnail_url,is_shared_to_feed,copyright_check_information,comments_count,\
                  total_comments_count,like_count,total_like_count,view_count,shares_count,\
                  saved_count,reposts_count,total_views_count,has_poll,has_slider,\
                  boost_eligibility_info,alt_text,video_title,media_audio_type,\
                  current_live_viewer_count";
    let read_reel = read(&sim, &token, &reel, fields).await;
    assert_eq!(
        read_reel.ok(),
        &json!({
            "thumbnail_url": format!("https://scontent.cdninstagram.com/v/{reel}/thumbnail.jpg"),
            "is_shared_to_feed": true,
            "copyright_check_information": { "status": { "status": "completed", "matches_found": false } },
            "comments_count": 2, "total_comments_count": 2, "like_count": 0, "total_like_count": 0,
            "view_count": 0, "shares_count": 0, "saved_count": 0, "reposts_count": 0,
            "total_views_count": 0, "has_poll": false, "has_slider": false,
            "boost_eligibility_info": { "eligible_to_boost": true },
            "id": reel,
        }),
        "no alt text, IGTV title, audio type or live viewers on a reel"
    );
    let read_photo = read(&sim, &token, &photo, fields).await;
    let photo_fields: Vec<&String> = read_photo.ok().as_object().unwrap().keys().collect();
    for video_only in [
        "thumbnail_url",
        "is_shared_to_feed",
        "copyright_check_information",
    ] {
        assert!(
            !photo_fields.iter().any(|f| *f == video_only),
            "{video_only} on a photo: {photo_fields:?}"
        );
    }

    let legacy = |reply: &Reply, field: &str| reply.ok()[field].as_str().unwrap().to_owned();
    let ids = read(&sim, &token, &reel, "ig_id,legacy_instagram_media_id").await;
    let ig_id = legacy(&ids, "ig_id");
    assert_eq!(ig_id.len(), 19, "{ig_id}");
    assert!(ig_id.bytes().all(|b| b.is_ascii_digit()), "{ig_id}");
    assert_eq!(legacy(&ids, "legacy_instagram_media_id"), ig_id);
    let photo_ids = read(&sim, &token, &photo, "ig_id").await;
    assert_ne!(legacy(&photo_ids, "ig_id"), ig_id, "one legacy id a post");

    // The author as an IG User only on the account's own comment.
    let fields = "user,username,legacy_instagram_comment_id";
    let own = read(&sim, &token, &answered, fields).await;
    assert_eq!(own.ok()["user"], json!({ "id": business }));
    assert_eq!(own.ok()["username"], json!("luckyshrub"));
    let kais = read(&sim, &token, &asked, fields).await;
    assert_eq!(kais.ok().get("user"), None, "{}", kais.text());
    let kais_legacy = legacy(&kais, "legacy_instagram_comment_id");
    assert_eq!(kais_legacy.len(), 17);
    assert_ne!(kais_legacy, legacy(&own, "legacy_instagram_comment_id"));

    // A field no node kind has is still Meta's #100.
    let unknown = read(&sim, &token, &reel, "thumbnail_url,not_a_field").await;
    unknown.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        unknown.message(),
        "(#100) Tried accessing nonexisting field (not_a_field) on node type (IGMedia)"
    );
}

#[tokio::test]
async fn business_discovery_reads_another_professional_account() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(622).await;
    let token = page_token(&sim, &sandbox).await;
    let business = sandbox.id_of("instagram").to_owned();
    let fern = new_account(&sim, &sandbox, "fern.creates", "creator").await;
    let fern_post = post(&sim, &sandbox, &fern, json!({ "caption": "Moss wall" })).await;

    let discovered = read(
        &sim,
        &token,
        &business,
        "business_discovery.username(fern.creates){username,followers_count,media_count,media{caption}}",
    )
    .await;
    let own = read(&sim, &token, &fern, "followers_count,media_count").await;
    assert_eq!(
        discovered.ok(),
        &json!({
            "business_discovery": {
                "username": "fern.creates",
                "followers_count": own.ok()["followers_count"],
                "media_count": 1,
                "media": { "data": [{ "caption": "Moss wall", "id": fern_post }],
                           "paging": discovered.ok()["business_discovery"]["media"]["paging"] },
                "id": fern,
            },
            "id": business,
        })
    );
    let plain = read(
        &sim,
        &token,
        &business,
        "business_discovery.username(fern.creates)",
    )
    .await;
    assert_eq!(plain.ok()["business_discovery"], json!({ "id": fern }));

    // Kai's account is personal: no more discoverable than a made-up name.
    for username in ["kai.gardens", "nobody.here"] {
        let fields = format!("business_discovery.username({username}){{followers_count}}");
        let missing = read(&sim, &token, &business, &fields).await;
        let error = missing.assert_error(400, 110, Some(2207013), "OAuthException");
        assert_eq!(error["message"], json!("Invalid user id"));
        assert_eq!(error["error_user_title"], json!("Cannot find User"));
        assert_eq!(
            error["error_user_msg"],
            json!(format!(
                "The user with username: {username} cannot be found."
            ))
        );
    }
    let private = read(
        &sim,
        &token,
        &business,
        "business_discovery.username(fern.creates){shopping_product_tag_eligibility}",
    )
    .await;
    private.assert_error(400, 10, None, "OAuthException");
    let unknown = read(
        &sim,
        &token,
        &business,
        "business_discovery.username(fern.creates){shoe_size}",
    )
    .await;
    unknown.assert_error(400, 100, None, "OAuthException");
    let nameless = read(&sim, &token, &business, "business_discovery{id}").await;
    nameless.assert_error(400, 100, None, "OAuthException");
    assert_eq!(
        nameless.message(),
        "(#100) The parameter username is required"
    );
}

#[tokio::test]
async fn mentioned_media_and_comment_are_those_that_mention_the_account() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(623).await;
    let token = page_token(&sim, &sandbox).await;
    let business = sandbox.id_of("instagram").to_owned();
    let fern = new_account(&sim, &sandbox, "fern.creates", "creator").await;
    let mentioning = json!({ "caption": "Styled with pots from @luckyshrub" });
    let mentioning = post(&sim, &sandbox, &fern, mentioning).await;
    let plain = post(&sim, &sandbox, &fern, json!({ "caption": "Moss wall" })).await;
    let kai = sandbox.id_of("kai").to_owned();
    let text = json!({ "media_id": plain, "text": "@luckyshrub sells these too" });
    let mentioning_comment = comment(&sim, &sandbox, &kai, text).await;
    let other_comment = comment(
        &sim,
        &sandbox,
        &kai,
        json!({ "media_id": plain, "text": "Wow" }),
    )
    .await;

    let media = read(
        &sim,
        &token,
        &business,
        &format!("mentioned_media.media_id({mentioning}){{caption,username,comments_count}}"),
    )
    .await;
    assert_eq!(
        media.ok()["mentioned_media"],
        json!({ "caption": "Styled with pots from @luckyshrub", "username": "fern.creates",
                "comments_count": 0, "id": mentioning })
    );
    let comment_read = read(
        &sim,
        &token,
        &business,
        &format!("mentioned_comment.comment_id({mentioning_comment}){{text,timestamp}}"),
    )
    .await;
    assert_eq!(
        comment_read.ok()["mentioned_comment"],
        json!({ "text": "@luckyshrub sells these too", "timestamp": "2026-01-01T00:00:00+0000",
                "id": mentioning_comment })
    );

    // A post or comment that does not mention the account cannot be loaded.
    for (field, argument, id) in [
        ("mentioned_media", "media_id", &plain),
        ("mentioned_comment", "comment_id", &other_comment),
    ] {
        let fields = format!("{field}.{argument}({id}){{id}}");
        let refused = read(&sim, &token, &business, &fields).await;
        refused.assert_error(400, 100, Some(33), "GraphMethodException");
        assert!(
            refused
                .message()
                .contains(&format!("Object with ID '{id}'"))
        );
    }
    // Fern mentioned the business, not herself.
    let own = read(
        &sim,
        &token,
        &fern,
        &format!("mentioned_media.media_id({mentioning})"),
    )
    .await;
    own.assert_error(400, 100, Some(33), "GraphMethodException");
}

#[tokio::test]
async fn conversations_are_in_the_inbox_with_a_thread_key() {
    let sim = Sim::start().await;
    let sandbox = sim.demo(624).await;
    let token = page_token(&sim, &sandbox).await;
    let page = sandbox.id_of("page").to_owned();
    let fields = "folder,former_participants,is_owner,scoped_thread_key,wallpaper,linked_group";
    let mut keys = Vec::new();
    for platform in ["messenger", "instagram"] {
        let list = sim
            .get_as(
                &token,
                &format!("/{V}/{page}/conversations?platform={platform}&fields={fields}"),
            )
            .await;
        let conversation = list.ok()["data"][0].clone();
        let id = conversation["id"].as_str().unwrap().to_owned();
        let key = conversation["scoped_thread_key"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            conversation,
            json!({ "folder": "inbox", "former_participants": { "data": [] }, "is_owner": false,
                    "scoped_thread_key": key, "id": id }),
            "{platform}: no wallpaper nor linked group on a thread with a person"
        );
        let digits = key.strip_prefix("t_").expect("a thread key starts with t_");
        assert_eq!(digits.len(), 16, "{key}");
        assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{key}");
        let unknown = read(&sim, &token, &id, "folder,colour").await;
        unknown.assert_error(400, 100, None, "OAuthException");
        assert!(unknown.message().contains("nonexisting field (colour)"));
        keys.push(key);
    }
    assert_ne!(keys[0], keys[1], "one key a thread");
}
