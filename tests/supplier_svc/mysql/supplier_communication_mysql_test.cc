// SupplierCommunicationService with the MySQL repositories against a fresh
// TestDatabase schema: the communication log per supplier, idempotent create,
// newest-first keyset paging and filters.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/audit_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/supplier_communication_service.h"
#include "supplier_svc/domain/supplier_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_supplier_communication_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "tests/supplier_svc/mysql/supplier_db_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

class SupplierCommunicationMySqlTest : public SupplierDbTest {
 protected:
  SupplierCommunicationMySqlTest()
      : SupplierDbTest(absl::FromUnixSeconds(1710504000), absl::Seconds(30)),
        supplier_repository_(pool_),
        repository_(pool_),
        suppliers_(supplier_repository_, [this] { return now_; }),
        service_(repository_, [this] { return now_; }) {}

  std::string Supplier(const std::string& display_name) {
    v1::CreateSupplierRequest request;
    request.mutable_supplier()->set_display_name(display_name);
    request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
    v1::CreateSupplierResponse created;
    EXPECT_THAT(suppliers_.CreateSupplier(call_, request, created), IsOk());
    return created.supplier().name();
  }

  v1::SupplierCommunication Draft(const std::string& subject, v1::CommunicationChannel channel =
                                                                  v1::COMMUNICATION_CHANNEL_EMAIL) {
    v1::SupplierCommunication c;
    c.set_channel(channel);
    c.set_direction(v1::COMMUNICATION_DIRECTION_OUTBOUND);
    c.set_subject(subject);
    c.set_author("ann@example.com");
    return c;
  }

  absl::StatusOr<v1::SupplierCommunication> Create(const std::string& parent,
                                                   const v1::SupplierCommunication& c,
                                                   const std::string& request_id = "") {
    v1::CreateSupplierCommunicationRequest request;
    request.set_parent(parent);
    *request.mutable_supplier_communication() = c;
    request.set_request_id(request_id);
    v1::CreateSupplierCommunicationResponse response;
    absl::Status status = service_.CreateSupplierCommunication(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.supplier_communication();
  }

  std::string MustCreate(const std::string& parent, const v1::SupplierCommunication& c) {
    absl::StatusOr<v1::SupplierCommunication> created = Create(parent, c);
    EXPECT_THAT(created, IsOk());
    return created.ok() ? created->name() : "";
  }

  absl::StatusOr<v1::SupplierCommunication> Get(const std::string& name) {
    v1::GetSupplierCommunicationRequest request;
    request.set_name(name);
    v1::GetSupplierCommunicationResponse response;
    absl::Status status = service_.GetSupplierCommunication(call_, request, response);
    if (!status.ok()) return status;
    return response.supplier_communication();
  }

  absl::StatusOr<std::vector<std::string>> ListAll(const std::string& parent,
                                                   const std::string& order_by = "",
                                                   const std::string& filter = "") {
    std::vector<std::string> names;
    std::string token;
    int pages = 0;
    do {
      v1::ListSupplierCommunicationsRequest request;
      request.set_parent(parent);
      request.set_page_size(2);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_page_token(token);
      v1::ListSupplierCommunicationsResponse response;
      absl::Status status = service_.ListSupplierCommunications(call_, request, response);
      if (!status.ok()) return status;
      if (++pages > 20) return absl::InternalError("paging does not end");
      EXPECT_LE(response.supplier_communications_size(), 2);
      for (const auto& c : response.supplier_communications()) names.push_back(c.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  int64_t CountRows() {
    return test_support::QueryInt(pool_, "SELECT COUNT(*) FROM supplier_communications")
        .value_or(-1);
  }

  google::protobuf::Timestamp At(int64_t seconds) {
    google::protobuf::Timestamp t;
    t.set_seconds(seconds);
    return t;
  }

  MySqlSupplierRepository supplier_repository_;
  MySqlSupplierCommunicationRepository repository_;
  SupplierService suppliers_;
  SupplierCommunicationService service_;
};

TEST_F(SupplierCommunicationMySqlTest, CreateThenGetReturnsTheEntryVerbatim) {
  const std::string supplier = Supplier("Acme");
  const std::string hostile =
      "Re: price'); DELETE FROM suppliers; -- \xE2\x9C\x93 \xF0\x9F\x93\xA6";
  const std::string summary = std::string(9999, 's') + "\xE2\x82\xAC";  // 10000 characters
  v1::SupplierCommunication draft = Draft(hostile, v1::COMMUNICATION_CHANNEL_MEETING);
  draft.set_name("suppliers/9/communications/9");  // ignored
  draft.set_summary(summary);
  draft.set_contact_name("Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z");
  draft.set_direction(v1::COMMUNICATION_DIRECTION_INBOUND);
  *draft.mutable_occur_time() = At(1710400000);
  draft.mutable_occur_time()->set_nanos(123456789);
  draft.add_related_resources("purchaseOrders/12");
  draft.add_related_resources("contracts/3");
  absl::StatusOr<v1::SupplierCommunication> created = Create(supplier, draft);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->name(), absl::StrCat(supplier, "/communications/1"));
  EXPECT_EQ(created->subject(), hostile);
  EXPECT_EQ(created->summary(), summary);
  EXPECT_EQ(created->contact_name(), "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1\x65z");
  EXPECT_EQ(created->author(), "ann@example.com");
  EXPECT_EQ(created->channel(), v1::COMMUNICATION_CHANNEL_MEETING);
  EXPECT_EQ(created->direction(), v1::COMMUNICATION_DIRECTION_INBOUND);
  EXPECT_EQ(created->occur_time().seconds(), 1710400000);
  EXPECT_EQ(created->occur_time().nanos(), 123456000);  // kept to microseconds
  EXPECT_EQ(created->create_time().seconds(), 1710504000);
  EXPECT_THAT(created->related_resources(), ElementsAre("purchaseOrders/12", "contracts/3"));

  absl::StatusOr<v1::SupplierCommunication> read = Get(created->name());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->SerializeAsString(), created->SerializeAsString());

  // occur_time defaults to the creation time.
  absl::StatusOr<v1::SupplierCommunication> now = Create(supplier, Draft("call"));
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(now->occur_time().seconds(), 1710504001);
  EXPECT_TRUE(now->related_resources().empty());

  v1::ListAuditEntriesRequest audit_request;
  audit_request.set_resource(created->name());
  v1::ListAuditEntriesResponse audit;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit_request, audit, {"suppliers"}), IsOk());
  ASSERT_EQ(audit.audit_entries_size(), 1);
  EXPECT_EQ(audit.audit_entries(0).action(), crm::common::v1::AUDIT_ACTION_CREATE);
  EXPECT_EQ(audit.audit_entries(0).actor(), "procurement");

  const std::string other = Supplier("Other");
  EXPECT_EQ(Get(absl::StrCat(other, "/communications/1")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(absl::StrCat(supplier, "/communications/99")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Get("suppliers/1/statusChanges/1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SupplierCommunicationMySqlTest, InvalidEntriesAreRejectedNamingTheFieldAndWriteNothing) {
  const std::string supplier = Supplier("Acme");
  struct Case {
    std::function<void(v1::SupplierCommunication&)> spoil;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& c) { c.clear_channel(); }, "supplier_communication.channel: must be set"},
      {[](auto& c) { c.set_channel(static_cast<v1::CommunicationChannel>(42)); },
       "supplier_communication.channel"},
      {[](auto& c) { c.set_direction(static_cast<v1::CommunicationDirection>(9)); },
       "supplier_communication.direction"},
      {[](auto& c) { c.set_subject("   "); }, "supplier_communication.subject"},
      {[](auto& c) { c.set_subject(std::string(201, 's')); }, "supplier_communication.subject"},
      {[](auto& c) { c.set_summary(std::string(10001, 's')); }, "supplier_communication.summary"},
      {[](auto& c) { c.set_author(std::string(201, 'a')); }, "supplier_communication.author"},
      {[](auto& c) { c.set_contact_name("bad\xFF"); }, "supplier_communication.contact_name"},
      {[](auto& c) { c.mutable_occur_time()->set_seconds(1710504000 + 3600); },
       "supplier_communication.occur_time: 2024-03-15T13:00:00Z is in the future"},
      {[](auto& c) { c.mutable_occur_time()->set_nanos(-1); }, "supplier_communication.occur_time"},
      {[](auto& c) { c.add_related_resources("not a name"); },
       "supplier_communication.related_resources[0]"},
      {[](auto& c) {
         c.add_related_resources("contracts/3");
         c.add_related_resources("contracts/3");
       },
       "supplier_communication.related_resources[1]: \"contracts/3\" is listed twice"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::SupplierCommunication draft = Draft("subject");
    cases[i].spoil(draft);
    absl::Status status = Create(supplier, draft).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << "case " << i << ": " << status;
    EXPECT_THAT(Message(status), HasSubstr(cases[i].message)) << "case " << i;
  }
  EXPECT_EQ(Create("suppliers/x", Draft("s")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Create(supplier, Draft("s"), "not valid!").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status unknown = Create("suppliers/404", Draft("s")).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(unknown), HasSubstr("suppliers/404"));

  v1::DeleteSupplierRequest del;
  del.set_name(supplier);
  v1::DeleteSupplierResponse deleted;
  ASSERT_THAT(suppliers_.DeleteSupplier(call_, del, deleted), IsOk());
  EXPECT_EQ(Create(supplier, Draft("s")).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CountRows(), 0);

  // A small clock skew is tolerated.
  const std::string other = Supplier("Other");
  v1::SupplierCommunication skewed = Draft("skewed");
  *skewed.mutable_occur_time() = At(1710504000 + 60);
  EXPECT_THAT(Create(other, skewed), IsOk());
}

TEST_F(SupplierCommunicationMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  const std::string supplier = Supplier("Acme");
  absl::StatusOr<v1::SupplierCommunication> first = Create(supplier, Draft("hello"), "log-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::SupplierCommunication> replay = Create(supplier, Draft("hello"), "log-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(CountRows(), 1);
  EXPECT_EQ(Create(supplier, Draft("different"), "log-1").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CountRows(), 1);
  EXPECT_EQ(
      test_support::QueryInt(
          pool_,
          "SELECT COUNT(*) FROM audit_entries WHERE resource LIKE 'suppliers/%/communications/%'")
          .value_or(-1),
      1);
}

TEST_F(SupplierCommunicationMySqlTest, ListIsNewestFirstPagedAndFiltered) {
  const std::string acme = Supplier("Acme");
  const std::string beta = Supplier("Beta");
  auto make = [&](const std::string& supplier, int64_t occur, v1::CommunicationChannel channel,
                  v1::CommunicationDirection direction, const std::string& author,
                  std::vector<std::string> related = {}) {
    v1::SupplierCommunication c = Draft("s", channel);
    c.set_direction(direction);
    c.set_author(author);
    *c.mutable_occur_time() = At(occur);
    for (const std::string& r : related) c.add_related_resources(r);
    return MustCreate(supplier, c);
  };
  const auto email = v1::COMMUNICATION_CHANNEL_EMAIL;
  const auto phone = v1::COMMUNICATION_CHANNEL_PHONE_CALL;
  const auto in = v1::COMMUNICATION_DIRECTION_INBOUND;
  const auto out = v1::COMMUNICATION_DIRECTION_OUTBOUND;
  // Created in this order; occur times deliberately out of order, two equal.
  const std::string a1 = make(acme, 1710000300, email, in, "Ann Lee", {"purchaseOrders/12"});
  const std::string a2 = make(acme, 1710000100, phone, out, "Bob");
  const std::string a3 = make(acme, 1710000300, email, out, "ann@example.com");
  const std::string b1 =
      make(beta, 1710000200, phone, in, "Bob", {"purchaseOrders/12", "contracts/1"});
  const std::string a4 = make(acme, 1710000400, email, in, "Carl");

  EXPECT_THAT(ListAll(acme).value(), ElementsAre(a4, a3, a1, a2));  // occur_time desc, id desc
  EXPECT_THAT(ListAll(acme, "occur_time").value(), ElementsAre(a2, a1, a3, a4));
  EXPECT_THAT(ListAll(acme, "create_time desc").value(), ElementsAre(a4, a3, a2, a1));
  EXPECT_THAT(ListAll("suppliers/-").value(), ElementsAre(a4, a3, a1, b1, a2));
  EXPECT_THAT(ListAll(beta).value(), ElementsAre(b1));
  EXPECT_THAT(ListAll(acme, "", "channel = EMAIL").value(), ElementsAre(a4, a3, a1));
  EXPECT_THAT(ListAll("suppliers/-", "", "direction = COMMUNICATION_DIRECTION_INBOUND").value(),
              ElementsAre(a4, a1, b1));
  EXPECT_THAT(ListAll("suppliers/-", "", "author : \"ann\"").value(), ElementsAre(a3, a1));
  EXPECT_THAT(ListAll("suppliers/-", "", "related_resources = \"purchaseOrders/12\"").value(),
              ElementsAre(a1, b1));
  EXPECT_THAT(ListAll("suppliers/-", "",
                      "occur_time >= \"2024-03-09T16:03:20Z\" AND "
                      "channel = PHONE_CALL")
                  .value(),
              ElementsAre(b1));
  // Every listing shows related resources.
  v1::ListSupplierCommunicationsRequest request;
  request.set_parent(beta);
  v1::ListSupplierCommunicationsResponse response;
  ASSERT_THAT(service_.ListSupplierCommunications(call_, request, response), IsOk());
  ASSERT_EQ(response.supplier_communications_size(), 1);
  EXPECT_THAT(response.supplier_communications(0).related_resources(),
              ElementsAre("purchaseOrders/12", "contracts/1"));
  EXPECT_TRUE(response.next_page_token().empty());

  EXPECT_EQ(ListAll("suppliers/404").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListAll("customers/1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ListAll(acme, "subject").status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status bad_filter = ListAll(acme, "", "subject = x").status();
  EXPECT_EQ(bad_filter.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad_filter), HasSubstr("subject"));

  v1::ListSupplierCommunicationsRequest first;
  first.set_parent(acme);
  first.set_page_size(1);
  v1::ListSupplierCommunicationsResponse page;
  ASSERT_THAT(service_.ListSupplierCommunications(call_, first, page), IsOk());
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListSupplierCommunicationsRequest elsewhere = first;
  elsewhere.set_parent(beta);
  elsewhere.set_page_token(page.next_page_token());
  v1::ListSupplierCommunicationsResponse ignored;
  EXPECT_EQ(service_.ListSupplierCommunications(call_, elsewhere, ignored).code(),
            absl::StatusCode::kInvalidArgument);
  first.set_page_token("garbage");
  EXPECT_EQ(service_.ListSupplierCommunications(call_, first, ignored).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::supplier
