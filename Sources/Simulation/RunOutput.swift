import Foundation
import WorldModel

/// Writes a run's results: `summary.json`, `density.csv` and `heatmap.svg` (peak density coloured
/// by Fruin level of service, walls drawn), each through a temporary file and a rename.
public enum RunOutput {
    public static func write(
        summary: RunSummary, density: DensityRecorder, scenario: Scenario, to directory: URL
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: directory.appendingPathComponent("summary.json"), options: .atomic)
        try Data((density.csv.joined(separator: "\n") + "\n").utf8)
            .write(to: directory.appendingPathComponent("density.csv"), options: .atomic)
        try Data(heatmap(density: density, scenario: scenario, summary: summary).utf8)
            .write(to: directory.appendingPathComponent("heatmap.svg"), options: .atomic)
    }

    static let colours = [
        "A": "#2c7bb6", "B": "#7fbfdf", "C": "#c7e9a0", "D": "#ffe08a", "E": "#fdae61", "F": "#d7191c",
    ]

    /// An SVG a person can open: one square per cell with people, its colour the peak level of service.
    public static func heatmap(density: DensityRecorder, scenario: Scenario, summary: RunSummary) -> String {
        let box = scenario.walkable.outer.boundingBox
        let width = box.max.x - box.min.x
        let height = box.max.y - box.min.y
        let scale = 800 / max(width, height)
        func sx(_ x: Double) -> String { String(format: "%.1f", (x - box.min.x) * scale) }
        func sy(_ y: Double) -> String { String(format: "%.1f", (box.max.y - y) * scale) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width * scale) + 20)" height="\(Int(height * scale) + 80)" \
            viewBox="-10 -10 \(Int(width * scale) + 20) \(Int(height * scale) + 80)" font-family="sans-serif" font-size="12">
            <rect x="-10" y="-10" width="100%" height="100%" fill="#ffffff"/>

            """
        let cell = density.cellM * scale
        for r in 0..<density.rows {
            for c in 0..<density.cols where density.peak[r * density.cols + c] > 0 {
                let level = FruinLevel.level(density.peak[r * density.cols + c])
                svg += "<rect x=\"\(sx(density.minX + Double(c) * density.cellM))\" "
                svg +=
                    "y=\"\(sy(density.minY + Double(r + 1) * density.cellM))\" width=\"\(String(format: "%.1f", cell))\" "
                svg += "height=\"\(String(format: "%.1f", cell))\" fill=\"\(colours[level]!)\"/>\n"
            }
        }
        for ring in [scenario.walkable.outer] + scenario.walkable.holes {
            let points = ring.points.map { "\(sx($0.x)),\(sy($0.y))" }.joined(separator: " ")
            svg += "<polygon points=\"\(points)\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
        }
        for exit in scenario.exits {
            let points = exit.area.points.map { "\(sx($0.x)),\(sy($0.y))" }.joined(separator: " ")
            svg += "<polygon points=\"\(points)\" fill=\"#1a9641\" fill-opacity=\"0.5\"/>\n"
        }
        var legendX = 0.0
        let legendY = height * scale + 20
        for (level, upTo) in FruinLevel.bounds {
            svg += "<rect x=\"\(legendX)\" y=\"\(legendY)\" width=\"14\" height=\"14\" fill=\"\(colours[level]!)\"/>"
            let label = upTo.isFinite ? "\(level) < \(upTo)" : "\(level) ≥ 2.17"
            svg += "<text x=\"\(legendX + 18)\" y=\"\(legendY + 12)\">\(label)</text>\n"
            legendX += 90
        }
        svg += "<text x=\"0\" y=\"\(legendY + 34)\">Peak density, persons/m² (Fruin level of service); max "
        svg += String(format: "%.2f", summary.max_density_ppm2) + " persons/m²; \(summary.agents) agents</text>\n"
        return svg + "</svg>\n"
    }
}
