#include "store.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

namespace emu {
namespace json = boost::json;

bool Collection::add(std::string uid, std::string json) {
    auto [it, inserted] = by_uid_.try_emplace(std::move(uid), json_.size());
    if (!inserted) return false;
    json_.push_back(std::move(json));
    return true;
}

void Collection::reserve(std::size_t n) {
    json_.reserve(n);
    by_uid_.reserve(n);
}

std::optional<std::size_t> Collection::find(std::string_view uid) const {
    auto it = by_uid_.find(uid);
    if (it == by_uid_.end()) return std::nullopt;
    return it->second;
}

namespace {

constexpr std::array<std::string_view, 6> kStatuses = {
    "active", "completed", "paused", "archived", "pending-approval", "canceled"};
constexpr std::array<std::string_view, 4> kTaskTypes = {
    "image-annotation", "video-annotation", "point-cloud-annotation", "point-cloud-objects"};

// 2024-01-01T00:00:00Z as unix seconds: every timestamp is an offset from it.
constexpr std::int64_t kEpoch2024 = 1704067200;

// "YYYY-MM-DDTHH:MM:SSZ" plus the terminating NUL; years 0..9999 only.
using TimeBuf = char[21];
void format_time(std::int64_t unix_seconds, TimeBuf& out) {
    using namespace std::chrono;
    sys_seconds tp{seconds{unix_seconds}};
    auto day = floor<days>(tp);
    year_month_day ymd{day};
    hh_mm_ss hms{tp - day};
    // Hand-rolled rather than snprintf: the generator calls this millions of times.
    auto put = [&out](int at, unsigned v, int width) {
        for (int k = width - 1; k >= 0; --k, v /= 10) out[at + k] = char('0' + v % 10);
    };
    std::memcpy(out, "0000-00-00T00:00:00Z", 21);
    put(0, unsigned(int(ymd.year())), 4);
    put(5, unsigned(ymd.month()), 2);
    put(8, unsigned(ymd.day()), 2);
    put(11, unsigned(hms.hours().count()), 2);
    put(14, unsigned(hms.minutes().count()), 2);
    put(17, unsigned(hms.seconds().count()), 2);
}

std::string time_string(std::int64_t unix_seconds) {
    TimeBuf buf;
    format_time(unix_seconds, buf);
    return buf;
}

// A stable, random-looking version-4 UUID for the demo seed (splitmix64).
std::string demo_uid(std::uint64_t n) {
    auto mix = [](std::uint64_t z) {
        z += 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    std::uint64_t a = mix(n * 2 + 1), b = mix(n * 2 + 2);
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", unsigned(a >> 32),
                  unsigned((a >> 16) & 0xFFFF), unsigned(a & 0xFFF),
                  unsigned(0x8000 | ((b >> 48) & 0x3FFF)),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
    return buf;
}

struct DemoProject {
    std::string_view name;
    std::string_view status;
    std::string_view task_type;
    std::string_view visibility;
    std::string_view icon;  // empty means null
    std::string_view description;
};

// Physical-AI themed demo projects, two or three per status.
constexpr DemoProject kDemo[] = {
    {"Warehouse forklift detection", "active", "image-annotation", "private", "warehouse",
     "Bounding boxes for forklifts, pallets and workers in warehouse CCTV."},
    {"Lidar pedestrian segmentation", "active", "point-cloud-annotation", "private",
     "automotive", "Per-point pedestrian labels on 64-beam urban lidar sweeps."},
    {"Robot arm grasp keypoints", "active", "video-annotation", "public", "robotics",
     "Gripper and object keypoints across pick-and-place episodes."},
    {"Sidewalk delivery robot obstacles", "completed", "video-annotation", "private",
     "robotics", "Tracked obstacles from a sidewalk robot's front cameras."},
    {"Drone power-line inspection", "completed", "image-annotation", "public", "energy",
     "Insulator and conductor defects in drone inspection photos."},
    {"Autonomous tractor row tracking", "completed", "point-cloud-objects", "private",
     "agriculture", "3D boxes for crop rows and field obstacles."},
    {"Humanoid hand pose estimation", "paused", "video-annotation", "private", "robotics",
     "21-point hand skeletons for teleoperation demonstrations."},
    {"Parcel sorting conveyor defects", "paused", "image-annotation", "private", "",
     "Damaged and mislabeled parcels on a sorting line."},
    {"Indoor AMR floor mapping", "archived", "point-cloud-annotation", "public", "warehouse",
     "Floor, rack and dock segmentation for autonomous mobile robots."},
    {"Traffic cone 3D boxes", "archived", "point-cloud-objects", "private", "automotive",
     "Cuboids for cones and barrels in highway work zones."},
    {"Construction site excavator tracking", "pending-approval", "video-annotation",
     "private", "construction", "Excavator and worker tracks from site cameras."},
    {"Retail shelf restocking robot", "pending-approval", "image-annotation", "private", "",
     "Product facings and gaps seen by a shelf-scanning robot."},
    {"Underwater ROV pipeline survey", "canceled", "video-annotation", "private", "energy",
     "Pipeline anomalies in ROV survey footage."},
    {"Mining haul truck lidar objects", "canceled", "point-cloud-objects", "private",
     "mining", "Vehicles and berms around autonomous haul trucks."},
};

}  // namespace

Store seed_store() {
    Store store;
    std::int64_t t = kEpoch2024 + 9 * 3600;
    std::uint64_t n = 0;
    for (const auto& d : kDemo) {
        ++n;
        t += 86400 * 11 + 3600 * 5 + 60 * 17;  // roughly every eleven days
        json::object o;
        std::string uid = demo_uid(n);
        o["uid"] = uid;
        o["name"] = d.name;
        o["status"] = d.status;
        o["created_at"] = time_string(t);
        o["updated_at"] = time_string(t + 86400 * 3 + 1234);
        o["task_type"] = d.task_type;
        o["is_active"] = d.status == "active";
        o["visibility"] = d.visibility;
        o["is_imported"] = n % 4 == 0;
        o["owner_name"] = "avala-demo";
        o["short_description"] = d.description;
        if (d.icon.empty())
            o["industry_icon"] = nullptr;
        else
            o["industry_icon"] = d.icon;
        store.projects.add(std::move(uid), json::serialize(o));
    }
    return store;
}

namespace {

// Appends `v` in decimal, zero-padded to at least `width` digits.
void append_number(std::string& out, std::uint64_t v, int width = 0) {
    char digits[24];
    auto [p, ec] = std::to_chars(digits, digits + sizeof digits, v);
    (void)ec;  // 24 chars always hold a uint64
    for (int pad = width - int(p - digits); pad > 0; --pad) out.push_back('0');
    out.append(digits, p);
}

void append_hex12(std::string& out, std::uint64_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = 44; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 15]);
}

}  // namespace

Store generate_store(const GenerateSpec& spec) {
    Store store;
    if (spec.projects) {
        std::size_t count = *spec.projects;
        store.projects.reserve(count);
        // Built by appending, not through json::object or snprintf: 100,000
        // projects take ~0.1 s (a million ~2 s, mostly the uid index). Every
        // value is ASCII we control, so nothing needs escaping.
        TimeBuf created, updated;
        std::string j;  // scratch, reused so each stored string is allocated once at its size
        for (std::size_t i = 1; i <= count; ++i) {
            std::int64_t t = kEpoch2024 + std::int64_t(i) * 60;
            format_time(t, created);
            format_time(t + 3600, updated);
            std::string_view status = kStatuses[(i - 1) % kStatuses.size()];

            std::string uid = "00000000-0000-4000-8000-";
            append_hex12(uid, i);
            j.clear();
            j += "{\"uid\":\"";
            j += uid;
            j += "\",\"name\":\"Project ";
            append_number(j, i, 6);
            j += "\",\"status\":\"";
            j += status;
            j += "\",\"created_at\":\"";
            j += created;
            j += "\",\"updated_at\":\"";
            j += updated;
            j += "\",\"task_type\":\"";
            j += kTaskTypes[(i - 1) % kTaskTypes.size()];
            j += "\",\"is_active\":";
            j += status == "active" ? "true" : "false";
            j += ",\"visibility\":\"";
            j += i % 3 == 0 ? "public" : "private";
            j += "\",\"is_imported\":";
            j += i % 5 == 0 ? "true" : "false";
            j += ",\"owner_name\":\"emulator\",\"short_description\":\"Generated project ";
            append_number(j, i);
            j += "\",\"industry_icon\":";
            j += i % 7 == 0 ? "null" : "\"robotics\"";
            j += "}";
            store.projects.add(std::move(uid), std::string(j));
        }
    }
    return store;
}

namespace {

// Fills `out` from a JSON array of objects, each with a non-empty string uid.
void load_collection(const json::value& v, std::string_view name, Collection& out) {
    const auto* arr = v.if_array();
    if (!arr) throw std::runtime_error("\"" + std::string(name) + "\" must be an array");
    out.reserve(arr->size());
    std::size_t i = 0;
    for (const auto& item : *arr) {
        std::string where = std::string(name) + "[" + std::to_string(i++) + "]";
        const auto* obj = item.if_object();
        if (!obj) throw std::runtime_error(where + " is not an object");
        const auto* uid = obj->if_contains("uid");
        if (!uid || !uid->is_string() || uid->get_string().empty())
            throw std::runtime_error(where + " has no string \"uid\"");
        std::string key(uid->get_string());
        if (!out.add(key, json::serialize(*obj)))
            throw std::runtime_error(where + " repeats uid \"" + key + "\"");
    }
}

}  // namespace

Store load_store(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();

    json::error_code ec;
    json::value root = json::parse(text.str(), ec);
    if (ec) throw std::runtime_error(path + ": invalid JSON: " + ec.message());
    const auto* obj = root.if_object();
    if (!obj) throw std::runtime_error(path + ": top level must be an object");

    // One entry per resource the file may hold; a typo is an error, not silence.
    struct Section {
        std::string_view key;
        Collection Store::*collection;
    };
    static constexpr Section kSections[] = {{"projects", &Store::projects}};

    Store store;
    for (const auto& [key, value] : *obj) {
        const Section* section = nullptr;
        for (const auto& s : kSections)
            if (s.key == key) section = &s;
        if (!section)
            throw std::runtime_error(path + ": unknown key \"" + std::string(key) +
                                     "\" (known: projects)");
        try {
            load_collection(value, section->key, store.*(section->collection));
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(path + ": " + e.what());
        }
    }
    return store;
}

}  // namespace emu
