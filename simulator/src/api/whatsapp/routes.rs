//! The WhatsApp route table: the Cloud API and Business Management API calls
//! on WABAs, phone numbers, templates and media beyond reading them.
//! Sending and uploading media need the messaging scope alone: a token that
//! may send from a number need not be able to manage it.

use super::{
    analytics, automation, block_users, calls, commerce, compliance, contact_book, credit_sharing,
    encrypted_messages, encryption, flow_lifecycle, flows, groups, history, media, messages, oba,
    parent_bsuids, phone_number, preverified, profile, qr_codes, registration, settings,
    smb_app_data, solutions, subscriptions, template_groups, templates, usernames, waba,
    waba_admin,
};
use crate::api::routes::{Access, Method, Route};
use crate::world::nodes::NodeKind;

const MESSAGING: Access = Access::Scope("whatsapp_business_messaging");
const WABA: NodeKind = NodeKind::WhatsappBusinessAccount;
const PHONE: NodeKind = NodeKind::PhoneNumber;
const TEMPLATE: NodeKind = NodeKind::MessageTemplate;
const MEDIA: NodeKind = NodeKind::Media;
const FLOW: NodeKind = NodeKind::Flow;
const GROUP: NodeKind = NodeKind::WhatsappGroup;
const BUSINESS: NodeKind = NodeKind::Business;
const PREVERIFIED: NodeKind = NodeKind::PreverifiedPhoneNumber;
const SOLUTION: NodeKind = NodeKind::Solution;
const CREDIT_LINE: NodeKind = NodeKind::ExtendedCredit;
const CREDIT_ALLOCATION: NodeKind = NodeKind::CreditAllocationConfig;
const TEMPLATE_GROUP: NodeKind = NodeKind::TemplateGroup;
const BUSINESS_MANAGEMENT: Access = Access::Scope("business_management");
use Method::{Delete, Get, Post};

pub const ROUTES: &[Route] = &[
    Route::new(
        BUSINESS,
        Some("parent-bsuid-accounts"),
        Get,
        parent_bsuids::read,
    )
    .access(BUSINESS_MANAGEMENT),
    Route::new(BUSINESS, Some("add_phone_numbers"), Post, preverified::add)
        .access(BUSINESS_MANAGEMENT),
    Route::new(
        BUSINESS,
        Some("share_preverified_numbers"),
        Post,
        preverified::share,
    )
    .access(BUSINESS_MANAGEMENT),
    Route::new(PREVERIFIED, None, Delete, preverified::delete),
    Route::new(
        PREVERIFIED,
        Some("request_code"),
        Post,
        preverified::request_code,
    ),
    Route::new(
        PREVERIFIED,
        Some("verify_code"),
        Post,
        preverified::verify_code,
    ),
    Route::new(PHONE, Some("groups"), Post, groups::create).access(MESSAGING),
    Route::new(PHONE, Some("groups"), Get, groups::list).access(MESSAGING),
    Route::new(GROUP, None, Post, groups::update).access(MESSAGING),
    Route::new(GROUP, None, Delete, groups::delete).access(MESSAGING),
    Route::new(GROUP, Some("invite_link"), Get, groups::invite_link).access(MESSAGING),
    Route::new(GROUP, Some("invite_link"), Post, groups::reset_invite_link).access(MESSAGING),
    Route::new(
        GROUP,
        Some("invite_link"),
        Delete,
        groups::revoke_invite_link,
    )
    .access(MESSAGING),
    Route::new(GROUP, Some("participants"), Post, groups::add_participants).access(MESSAGING),
    Route::new(
        GROUP,
        Some("participants"),
        Delete,
        groups::remove_participants,
    )
    .access(MESSAGING),
    Route::new(GROUP, Some("join_requests"), Get, groups::join_requests).access(MESSAGING),
    Route::new(
        GROUP,
        Some("join_requests"),
        Post,
        groups::approve_join_requests,
    )
    .access(MESSAGING),
    Route::new(
        GROUP,
        Some("join_requests"),
        Delete,
        groups::reject_join_requests,
    )
    .access(MESSAGING),
    Route::new(
        WABA,
        Some("phone_numbers"),
        Post,
        registration::add_phone_number,
    ),
    Route::new(PHONE, None, Post, phone_number::update),
    Route::new(
        PHONE,
        Some("request_code"),
        Post,
        registration::request_code,
    ),
    Route::new(PHONE, Some("verify_code"), Post, registration::verify_code),
    Route::new(PHONE, Some("register"), Post, registration::register),
    Route::new(PHONE, Some("deregister"), Post, registration::deregister),
    Route::new(WABA, Some("message_templates"), Post, templates::create),
    Route::new(WABA, Some("message_templates"), Delete, templates::delete),
    Route::new(TEMPLATE, None, Post, templates::edit),
    Route::new(TEMPLATE, Some("unpause"), Post, templates::unpause),
    Route::new(
        WABA,
        Some("template_analytics"),
        Get,
        analytics::template_edge,
    ),
    Route::new(
        WABA,
        Some("template_group_analytics"),
        Get,
        analytics::template_group_edge,
    ),
    Route::new(WABA, Some("call_analytics"), Get, analytics::call_edge),
    Route::new(WABA, Some("group_analytics"), Get, analytics::group_edge),
    Route::new(WABA, Some("template_groups"), Post, template_groups::create),
    Route::new(TEMPLATE_GROUP, None, Post, template_groups::update),
    Route::new(TEMPLATE_GROUP, None, Delete, template_groups::delete),
    Route::new(
        WABA,
        Some("message_template_previews"),
        Get,
        templates::previews,
    ),
    Route::new(PHONE, Some("whatsapp_business_profile"), Get, profile::read),
    Route::new(
        PHONE,
        Some("whatsapp_business_profile"),
        Post,
        profile::update,
    ),
    Route::new(PHONE, Some("media"), Post, media::upload).access(MESSAGING),
    Route::new(MEDIA, None, Get, media::describe),
    Route::new(MEDIA, None, Delete, media::delete),
    Route::new(PHONE, Some("settings"), Get, settings::read),
    Route::new(PHONE, Some("settings"), Post, settings::update),
    Route::new(
        WABA,
        Some("subscribed_apps"),
        Post,
        subscriptions::subscribe,
    ),
    Route::new(WABA, Some("subscribed_apps"), Get, subscriptions::list),
    Route::new(
        WABA,
        Some("subscribed_apps"),
        Delete,
        subscriptions::unsubscribe,
    ),
    Route::new(PHONE, Some("contact_book"), Delete, contact_book::delete),
    Route::answering(PHONE, Some("messages"), Post, messages::post_messages).access(MESSAGING),
    Route::new(
        PHONE,
        Some("messages_encrypted"),
        Post,
        encrypted_messages::send,
    )
    .access(MESSAGING),
    Route::answering(
        PHONE,
        Some("marketing_messages"),
        Post,
        messages::post_marketing_messages,
    )
    .access(MESSAGING),
    Route::new(WABA, Some("flows"), Post, flows::create),
    Route::new(PHONE, Some("smb_app_data"), Post, smb_app_data::request),
    Route::new(WABA, None, Post, waba::update),
    Route::new(WABA, Some("schedules"), Get, waba_admin::schedules),
    Route::new(WABA, Some("schedules"), Post, waba_admin::create_schedule),
    Route::new(
        WABA,
        Some("assigned_users"),
        Get,
        waba_admin::assigned_users,
    ),
    Route::new(WABA, Some("assigned_users"), Post, waba_admin::assign),
    Route::new(WABA, Some("assigned_users"), Delete, waba_admin::unassign),
    Route::new(WABA, Some("activities"), Get, waba_admin::activities),
    Route::new(
        NodeKind::User,
        Some("assigned_whatsapp_business_accounts"),
        Get,
        waba_admin::assigned_wabas,
    ),
    Route::new(
        NodeKind::SystemUser,
        Some("assigned_whatsapp_business_accounts"),
        Get,
        waba_admin::assigned_wabas,
    ),
    Route::new(FLOW, None, Post, flow_lifecycle::update),
    Route::new(FLOW, None, Delete, flow_lifecycle::delete),
    Route::new(FLOW, Some("assets"), Get, flow_lifecycle::assets),
    Route::new(FLOW, Some("assets"), Post, flow_lifecycle::upload_asset),
    Route::new(FLOW, Some("publish"), Post, flow_lifecycle::publish),
    Route::new(FLOW, Some("deprecate"), Post, flow_lifecycle::deprecate),
    Route::new(WABA, Some("migrate_flows"), Post, flow_lifecycle::migrate),
    Route::new(PHONE, Some("block_users"), Get, block_users::list).access(MESSAGING),
    Route::new(PHONE, Some("call_permissions"), Get, calls::permissions).access(MESSAGING),
    Route::new(PHONE, Some("calls"), Post, calls::manage).access(MESSAGING),
    Route::new(
        CREDIT_LINE,
        Some("whatsapp_credit_sharing_and_attach"),
        Post,
        credit_sharing::share_and_attach,
    ),
    Route::new(CREDIT_ALLOCATION, None, Delete, credit_sharing::revoke).access(BUSINESS_MANAGEMENT),
    Route::new(PHONE, Some("block_users"), Post, block_users::block).access(MESSAGING),
    Route::new(PHONE, Some("block_users"), Delete, block_users::unblock).access(MESSAGING),
    Route::new(
        PHONE,
        Some("conversational_automation"),
        Post,
        automation::configure,
    ),
    Route::new(
        PHONE,
        Some("whatsapp_commerce_settings"),
        Get,
        commerce::read,
    ),
    Route::new(
        PHONE,
        Some("whatsapp_commerce_settings"),
        Post,
        commerce::update,
    ),
    Route::new(
        PHONE,
        Some("business_compliance_info"),
        Get,
        compliance::read,
    ),
    Route::new(
        PHONE,
        Some("business_compliance_info"),
        Post,
        compliance::update,
    ),
    Route::new(
        PHONE,
        Some("whatsapp_business_encryption"),
        Get,
        encryption::read,
    ),
    Route::new(
        PHONE,
        Some("whatsapp_business_encryption"),
        Post,
        encryption::update,
    ),
    Route::new(PHONE, Some("official_business_account"), Get, oba::read),
    Route::new(PHONE, Some("official_business_account"), Post, oba::update),
    Route::new(PHONE, Some("username"), Get, usernames::read),
    Route::new(PHONE, Some("username"), Post, usernames::set),
    Route::new(PHONE, Some("username"), Delete, usernames::delete),
    Route::new(
        PHONE,
        Some("username_suggestions"),
        Get,
        usernames::suggestions,
    ),
    Route::new(
        NodeKind::App,
        Some("whatsapp_business_solution"),
        Post,
        solutions::create,
    ),
    Route::new(
        BUSINESS,
        Some("onboard_partners_to_mm_lite"),
        Post,
        solutions::onboard_to_mm_lite,
    )
    .access(BUSINESS_MANAGEMENT),
    Route::new(SOLUTION, Some("accept"), Post, solutions::accept),
    Route::new(SOLUTION, Some("reject"), Post, solutions::reject),
    Route::new(
        SOLUTION,
        Some("send_deactivation_request"),
        Post,
        solutions::send_deactivation,
    ),
    Route::new(
        SOLUTION,
        Some("accept_deactivation_request"),
        Post,
        solutions::accept_deactivation,
    ),
    Route::new(
        SOLUTION,
        Some("reject_deactivation_request"),
        Post,
        solutions::reject_deactivation,
    ),
    Route::new(SOLUTION, Some("access_token"), Get, solutions::access_token),
    Route::new(
        WABA,
        Some("set_solution_migration_intent"),
        Post,
        solutions::set_migration_intent,
    ),
    Route::new(
        WABA,
        Some("obo_mobility_intent"),
        Post,
        solutions::obo_mobility_intent,
    ),
    Route::new(
        WABA,
        Some("set_obo_mobility_intent"),
        Post,
        solutions::set_obo_mobility_intent,
    ),
    Route::new(PHONE, Some("message_history"), Get, history::list).access(MESSAGING),
    Route::new(PHONE, Some("message_qrdls"), Get, qr_codes::list),
    Route::new(PHONE, Some("message_qrdls"), Post, qr_codes::save),
    Route::new(PHONE, Some("message_qrdls/{code}"), Get, qr_codes::read),
    Route::new(
        PHONE,
        Some("message_qrdls/{code}"),
        Delete,
        qr_codes::delete,
    ),
];
