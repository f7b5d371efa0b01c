#include "avala/endpoint.hpp"

#include <boost/json.hpp>

#include "avala/error.hpp"

namespace avala {

namespace json = boost::json;

namespace {

std::string_view type_name(FieldType t) {
  switch (t) {
    case FieldType::string: return "a string";
    case FieldType::boolean: return "true or false";
    case FieldType::number: return "a number";
    case FieldType::string_list: return "a list of strings";
  }
  return "?";
}

bool has_type(const json::value& v, FieldType t) {
  switch (t) {
    case FieldType::string: return v.is_string();
    case FieldType::boolean: return v.is_bool();
    case FieldType::number: return v.is_number();
    case FieldType::string_list:
      if (!v.is_array()) return false;
      for (const auto& e : v.get_array()) {
        if (!e.is_string()) return false;
      }
      return true;
  }
  return false;
}

std::string accepted(std::span<const BodyField> fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + std::string(f.key);
  return out;
}

Decoder<Object> decoder(const Endpoint& ep) {
  const Schema* schema = ep.result;
  return [schema](RecordRef o) { return Object::decode(*schema, std::move(o)); };
}

}  // namespace

json::object checked_body(const Endpoint& ep, std::string_view fields_json, bool partial) {
  json::error_code ec;
  json::value v = json::parse(fields_json, ec);
  if (ec || !v.is_object()) {
    throw Error(ErrorKind::invalid_argument, std::string(ep.label) + ": fields must be a JSON object");
  }
  json::object& obj = v.get_object();
  for (const auto& [key, value] : obj) {
    const BodyField* field = nullptr;
    for (const auto& f : ep.body) {
      if (f.key == std::string_view(key)) field = &f;
    }
    if (field == nullptr) {
      throw Error(ErrorKind::invalid_argument, std::string(ep.label) + " takes no field '" + std::string(key) +
                                                   "' (it takes: " + accepted(ep.body) + ")");
    }
    if (!has_type(value, field->type)) {
      throw Error(ErrorKind::invalid_argument, std::string(ep.label) + ": field '" + std::string(key) +
                                                   "' must be " + std::string(type_name(field->type)));
    }
  }
  if (!partial) {
    for (const auto& f : ep.body) {
      if (f.required_on_create && !obj.contains(f.key)) {
        throw Error(ErrorKind::invalid_argument,
                    std::string(ep.label) + ": field '" + std::string(f.key) + "' is required");
      }
    }
  }
  return std::move(obj);
}

void check_filters(const Endpoint& ep, const Query& filters) {
  for (const auto& [key, value] : filters) {
    bool known = false;
    std::string names;
    for (std::string_view f : ep.filters) {
      if (f.empty()) continue;
      known = known || f == key;
      names += (names.empty() ? "" : ", ") + std::string(f);
    }
    if (!known) {
      throw Error(ErrorKind::invalid_argument,
                  std::string(ep.label) + " takes no filter '" + key + "'" +
                      (names.empty() ? std::string(" (it takes none)") : " (it takes: " + names + ")"));
    }
  }
}

Call<Page<Object>> page_call(const Client& client, const Endpoint& ep, Ids ids, const ListParams& params) {
  check_filters(ep, params.filters);
  return page_call<Object>(client, ep.route, ids, params, decoder(ep));
}

Call<Object> object_call(const Client& client, const Endpoint& ep, Ids ids, std::optional<json::object> body) {
  std::optional<std::string> text;
  if (body) text = json::serialize(*body);
  const Schema* schema = ep.result;
  return {std::string(ep.route.method), expand(client.base_url(), ep.route, ids), std::move(text),
          [schema](HttpResponse& resp) { return Object::decode(*schema, decode_object(std::move(resp.body))); }};
}

Call<Nothing> empty_call(const Client& client, const Endpoint& ep, Ids ids) {
  return {std::string(ep.route.method), expand(client.base_url(), ep.route, ids), std::nullopt,
          [](HttpResponse&) { return Nothing{}; }};
}

Call<std::vector<Object>> array_call(const Client& client, const Endpoint& ep, Ids ids) {
  return {std::string(ep.route.method), expand(client.base_url(), ep.route, ids), std::nullopt,
          [decode = decoder(ep), label = ep.label](HttpResponse& resp) {
            Records records;
            try {
              records = decode_array(std::move(resp.body));
            } catch (const Error& e) {
              throw Error(ErrorKind::decode, std::string(label) + ": " + e.what());
            }
            return decode_items(std::move(records), decode);
          }};
}

Page<Object> list_page(const Client& client, const Endpoint& ep, Ids ids, const ListParams& params) {
  return run(client, page_call(client, ep, ids, params));
}

Paginator<Object> list_all(const Client& client, const Endpoint& ep, Ids ids, const ListParams& params) {
  check_filters(ep, params.filters);
  return Paginator<Object>(client, expand(client.base_url(), ep.route, ids, list_query(params)), decoder(ep));
}

Object call_object(const Client& client, const Endpoint& ep, Ids ids, std::optional<json::object> body) {
  return run(client, object_call(client, ep, ids, std::move(body)));
}

void call_empty(const Client& client, const Endpoint& ep, Ids ids) { run(client, empty_call(client, ep, ids)); }

std::vector<Object> call_array(const Client& client, const Endpoint& ep, Ids ids) {
  return run(client, array_call(client, ep, ids));
}

}  // namespace avala
