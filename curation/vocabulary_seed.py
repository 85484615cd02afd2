"""The starting vocabulary (described in docs/curation.md), loaded by a data migration; editors extend it from the papers.

Each entry is (label, synonyms, identifier). Identifiers are given only where the public record was checked:
HGNC for genes, miRBase mature accessions, Cell Ontology, Disease Ontology and ChEBI.
"""

SeedEntry = tuple[str, list[str], str]

SEED_TERMS: dict[str, list[SeedEntry]] = {
    "cargo_type": [
        ("miRNA", ["microRNA", "miR"], ""),
        ("lncRNA", ["long non-coding RNA", "long noncoding RNA"], ""),
        ("circRNA", ["circular RNA"], ""),
        ("mRNA", ["messenger RNA"], ""),
        ("protein", ["proteins"], ""),
        ("lipid", ["lipids"], ""),
        ("metabolite", ["metabolites"], ""),
        ("DNA", ["dsDNA", "mtDNA"], ""),
    ],
    "cargo": [
        ("miR-21", ["miR-21-5p", "hsa-miR-21-5p", "microRNA-21"], "MIMAT0000076"),
        ("miR-92a-3p", ["hsa-miR-92a-3p", "miR-92a"], "MIMAT0000092"),
        ("miR-522", ["hsa-miR-522-3p", "miR-522-3p"], ""),
        ("lncRNA H19", ["H19"], "HGNC:4713"),
        ("Snail mRNA", ["SNAI1 mRNA", "Snail"], "HGNC:11128"),
        ("Wnt10b", ["WNT10B"], ""),
    ],
    "donor": [
        ("CAF (unspecified)", ["CAF", "CAFs", "cancer-associated fibroblast", "cancer-associated fibroblasts"], ""),
        ("myofibroblastic CAF", ["myCAF", "myCAFs"], ""),
        ("inflammatory CAF", ["iCAF", "iCAFs"], ""),
        ("normal fibroblast (control)", ["normal fibroblast", "normal fibroblasts"], "CL:0000057"),
    ],
    "recipient_cell": [
        ("cancer cell", ["tumour cell", "tumor cell", "malignant cell", "cancer cells", "tumor cells"], "CL:0001064"),
        ("cancer stem cell", ["CSC", "CSCs", "cancer stem cells", "tumour-initiating cell"], ""),
        ("CD8+ T cell", ["CD8+ T cells", "cytotoxic T cell", "CTL"], "CL:0000625"),
        ("regulatory T cell", ["Treg", "Tregs", "regulatory T cells"], "CL:0000815"),
        (
            "macrophage",
            ["macrophages", "TAM", "tumour-associated macrophage", "tumor-associated macrophage"],
            "CL:0000235",
        ),
        ("NK cell", ["natural killer cell", "NK cells", "natural killer cells"], "CL:0000623"),
        ("endothelial cell", ["endothelial cells", "HUVEC", "HUVECs"], "CL:0000115"),
        ("other fibroblast", ["recipient fibroblast"], ""),
    ],
    "cancer_type": [
        ("gastric cancer", ["gastric", "stomach cancer", "gastric carcinoma"], "DOID:10534"),
        ("colorectal cancer", ["colorectal", "CRC", "colon cancer", "colorectal carcinoma"], "DOID:9256"),
        ("pancreatic cancer", ["pancreatic", "PDAC", "pancreatic ductal adenocarcinoma"], "DOID:1793"),
        ("breast cancer", ["breast", "breast carcinoma"], "DOID:1612"),
        ("ovarian cancer", ["ovarian", "ovarian carcinoma"], "DOID:2394"),
        ("lung cancer", ["lung", "NSCLC", "non-small cell lung cancer"], "DOID:1324"),
        ("hepatocellular carcinoma", ["liver (HCC)", "HCC", "liver cancer"], "DOID:684"),
        ("head and neck cancer", ["head and neck", "HNSCC", "head and neck squamous cell carcinoma"], "DOID:11934"),
        ("oesophageal cancer", ["oesophageal", "esophageal cancer", "ESCC", "esophageal carcinoma"], "DOID:5041"),
        ("prostate cancer", ["prostate", "prostate carcinoma"], "DOID:10283"),
    ],
    "target": [
        ("ALOX15", ["arachidonate 15-lipoxygenase"], ""),
        ("APAF1", ["apoptotic peptidase activating factor 1"], "HGNC:576"),
        ("PTEN", [], "HGNC:9588"),
        ("FOXO1", [], "HGNC:3819"),
        ("Wnt/β-catenin", ["Wnt/beta-catenin", "Wnt signalling", "Wnt signaling"], ""),
        ("PI3K/AKT", ["PI3K/Akt", "PI3K-AKT"], ""),
        ("TGF-β", ["TGF-beta", "TGFβ", "TGF-β signalling"], ""),
        ("PD-L1", ["CD274", "programmed death-ligand 1"], "HGNC:17635"),
    ],
    "effect": [
        ("proliferation", ["cell proliferation"], ""),
        ("EMT/invasion/migration", ["EMT", "epithelial-mesenchymal transition", "invasion", "migration"], ""),
        ("metastasis", ["metastases"], ""),
        ("chemoresistance", ["drug resistance", "chemotherapy resistance", "chemo-resistance"], ""),
        ("radioresistance", ["radiation resistance", "radiotherapy resistance"], ""),
        ("immune evasion", ["immune escape", "immunosuppression"], ""),
        ("angiogenesis", ["vascularisation", "vascularization"], ""),
        ("metabolic reprogramming", ["metabolic rewiring", "glycolysis"], ""),
        ("stemness", ["self-renewal"], ""),
        ("ferroptosis/apoptosis resistance", ["ferroptosis resistance", "apoptosis resistance", "anti-apoptosis"], ""),
        ("pre-metastatic niche", ["premetastatic niche"], ""),
    ],
    "direction": [
        ("promotes", ["increases", "enhances"], ""),
        ("suppresses", ["inhibits", "decreases"], ""),
        ("no effect", ["no change"], ""),
    ],
    "drug": [
        ("cisplatin", ["DDP", "CDDP"], "CHEBI:27899"),
        ("oxaliplatin", ["L-OHP"], "CHEBI:31941"),
        ("gemcitabine", ["GEM"], "CHEBI:175901"),
        ("paclitaxel", ["PTX", "taxol"], "CHEBI:45863"),
        ("5-fluorouracil", ["5-FU", "fluorouracil"], "CHEBI:46345"),
    ],
    "evidence": [
        ("in vitro", ["cell culture", "co-culture"], ""),
        ("in vivo (mouse)", ["in vivo", "mouse model", "xenograft"], ""),
        ("patient samples", ["clinical samples", "tissue samples"], ""),
        ("clinical cohort", ["patient cohort"], ""),
    ],
    "role": [
        ("mechanism", [], ""),
        ("diagnostic biomarker", ["diagnosis"], ""),
        ("prognostic biomarker", ["prognosis"], ""),
        ("therapeutic target", ["therapy target"], ""),
    ],
}

# Effects a drug may be recorded with: the resistance ones.
DRUG_EFFECTS = {"chemoresistance", "radioresistance"}


def seed_search_text(label: str, synonyms: list[str]) -> str:
    """Kept equal to `curation.models.term_search_text`, which a migration must not import."""
    return "|" + "|".join(name.strip().casefold() for name in [label, *synonyms] if name.strip()) + "|"


def seed_vocabulary(term_model) -> int:
    """Add the starting terms that are missing; returns how many were added. Takes the model class so the data
    migration can pass its historical one."""
    added = 0
    for facet, entries in SEED_TERMS.items():
        for label, synonyms, identifier in entries:
            exists = term_model.objects.filter(facet=facet, label__iexact=label).exclude(status="merged").exists()
            if exists:
                continue
            term_model.objects.create(
                facet=facet,
                label=label,
                synonyms=list(synonyms),
                identifier=identifier,
                allows_drug=facet == "effect" and label in DRUG_EFFECTS,
                search_text=seed_search_text(label, synonyms),
            )
            added += 1
    return added
