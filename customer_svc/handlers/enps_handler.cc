#include "customer_svc/handlers/enps_handler.h"

#include <utility>

#include "common/server/scopes.h"

namespace crm::customer {

EnpsHandler::EnpsHandler(common::CallRunner& runner, std::shared_ptr<EnpsRepository> repository,
                         Clock clock)
    : runner_(runner),
      repository_(std::move(repository)),
      service_(*repository_, std::move(clock)) {}

grpc::ServerUnaryReactor* EnpsHandler::GetEnpsSurvey(grpc::CallbackServerContext* ctx,
                                                     const v1::GetEnpsSurveyRequest* request,
                                                     v1::GetEnpsSurveyResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetEnpsSurvey(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EnpsHandler::ListEnpsSurveys(grpc::CallbackServerContext* ctx,
                                                       const v1::ListEnpsSurveysRequest* request,
                                                       v1::ListEnpsSurveysResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.ListEnpsSurveys(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EnpsHandler::CreateEnpsSurvey(grpc::CallbackServerContext* ctx,
                                                        const v1::CreateEnpsSurveyRequest* request,
                                                        v1::CreateEnpsSurveyResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CreateEnpsSurvey(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EnpsHandler::UpdateEnpsSurvey(grpc::CallbackServerContext* ctx,
                                                        const v1::UpdateEnpsSurveyRequest* request,
                                                        v1::UpdateEnpsSurveyResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.UpdateEnpsSurvey(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EnpsHandler::CloseEnpsSurvey(grpc::CallbackServerContext* ctx,
                                                       const v1::CloseEnpsSurveyRequest* request,
                                                       v1::CloseEnpsSurveyResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.CloseEnpsSurvey(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EnpsHandler::SubmitEnpsAnswer(grpc::CallbackServerContext* ctx,
                                                        const v1::SubmitEnpsAnswerRequest* request,
                                                        v1::SubmitEnpsAnswerResponse* response) {
  return runner_.Run(ctx, common::kCustomersWrite, [=, this](const common::CallContext& call) {
    return service_.SubmitEnpsAnswer(call, *request, *response);
  });
}

grpc::ServerUnaryReactor* EnpsHandler::GetEnpsReport(grpc::CallbackServerContext* ctx,
                                                     const v1::GetEnpsReportRequest* request,
                                                     v1::GetEnpsReportResponse* response) {
  return runner_.Run(ctx, common::kCustomersRead, [=, this](const common::CallContext& call) {
    return service_.GetEnpsReport(call, *request, *response);
  });
}

}  // namespace crm::customer
