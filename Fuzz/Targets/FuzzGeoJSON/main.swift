import Foundation
import Geo

/// Our own JSON parser and the GeoJSON building reader on top of it (what `bitgoeul import geojson` reads).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    _ = try? JSONParser.parse(data)
    _ = try? GeoJSONBuildings.parse(data, name: "fuzz.geojson")
    return 0
}
