// French strings of the sales forecast (use case 1.1).

export const forecast = {
  "view.forecast": "Prévision",
  "forecast.title": "Prévision des ventes quotidiennes",
  "forecast.intro":
    "Des arbres de gradient boosting apprennent les ventes quotidiennes de chaque magasin à partir de l'historique de train.csv. Les derniers jours du fichier sont mis de côté : le modèle les prévoit sans les voir, et ses erreurs sont comparées à une référence naïve (la moyenne du magasin pour ce jour de la semaine et cet état de promotion).",
  "forecast.needs": "Chargez le train.csv de Rossmann (ou l'exemple Rossmann) pour entraîner une prévision.",
  "forecast.settings": "Réglages",
  "forecast.features": "Variables",
  "forecast.features.full": "Connues à l'avance (recommandé).",
  "forecast.features.full.hint":
    "Magasin, calendrier, promotions, jours fériés, type de magasin, concurrence et Promo2 ; le niveau de chaque magasin et ses variations par jour de semaine et promotion appris sur les jours d'entraînement, sa tendance récente, et les jours avant et après les fériés, fermetures et réouvertures. Tout cela est connu le jour prévu.",
  "forecast.features.seed": "Comme spécifié au départ, avec Customers.",
  "forecast.features.seed.hint":
    "Jour de la semaine, Customers, Promo et jours fériés. Customers est inconnu le jour que l'on prévoit (on le compte une fois la journée finie) : ce modèle ne peut pas prévoir test.csv, il montre seulement ce que vaut cette fuite.",
  "forecast.holdout": "Jours mis de côté pour la validation",
  "forecast.treesField": "Arbres au plus",
  "forecast.depth": "Profondeur des arbres",
  "forecast.learningRate": "Taux d'apprentissage",
  "forecast.subsample": "Part des jours par arbre",
  "forecast.featureFraction": "Part des variables par arbre",
  "forecast.seed": "Graine aléatoire",
  "forecast.train": "Entraîner la prévision",
  "forecast.cancelHint":
    "Annuler arrête l'entraînement en redémarrant le moteur : vos fichiers chargés sont relus automatiquement.",
  "forecast.running": "Entraînement de la prévision",
  "forecast.cancelled":
    "Entraînement annulé. Le moteur a été redémarré et vos fichiers ont été relus ; rien n'est perdu.",
  "forecast.compareField": "Entraîner aussi un modèle sur l'autre jeu de variables, pour comparer",
  "forecast.results": "La prévision est-elle bonne ?",
  "forecast.facts":
    "Validation du {from} au {to} : {valid} jours-magasins ouverts, après un entraînement sur {train} jours-magasins. {trees} arbres : variables {featuresSeconds} s, entraînement {trainSeconds} s, {seconds} s en tout.",
  "forecast.model": "modèle",
  "forecast.baseline": "référence",
  "forecast.mae": "Erreur absolue moyenne",
  "forecast.absSum": "Somme des erreurs absolues",
  "forecast.rmspe": "RMSPE (score du concours)",
  "forecast.lower": "{share} de moins que la référence",
  "forecast.higher": "{share} de plus que la référence",
  "forecast.compare.seed": "Avec Customers (comparaison)",
  "forecast.compare.full": "Connues à l'avance (comparaison)",
  "forecast.leak":
    "Customers fait paraître l'erreur plus petite, mais n'est connu qu'une fois la journée finie : un modèle qui l'utilise ne peut pas prévoir demain. Ce chiffre mesure la fuite, pas une prévision utilisable.",
  "forecast.leakWorse":
    "Customers n'est connu qu'une fois la journée finie : un modèle qui l'utilise ne peut pas prévoir demain. Ici il fait même moins bien : ces quelques variables ne distinguent pas les magasins.",
  "forecast.chartTitle": "Ventes réelles et prévues d'un magasin",
  "forecast.chartLabel": "Ventes quotidiennes : réelles, prévues et référence",
  "forecast.store": "Magasin",
  "forecast.storeN": "Magasin {store}",
  "forecast.actual": "Réel",
  "forecast.predicted": "Prévision",
  "forecast.baselineSeries": "Référence",
  "forecast.loadingSeries": "Chargement des jours du magasin…",
  "forecast.zoomHint":
    "La partie grisée est la période mise de côté ; après elle, la prévision de test.csv si chargé. Faites glisser sur le graphique pour zoomer ; double-cliquez pour revenir.",
  "forecast.storesTitle": "Erreurs par magasin",
  "forecast.storesHint": "Appuyez sur un en-tête pour trier, sur une ligne pour afficher ce magasin.",
  "forecast.col.store": "Magasin",
  "forecast.col.days": "Jours",
  "forecast.col.mae": "EAM du modèle",
  "forecast.col.baselineMae": "EAM de la référence",
  "forecast.col.absSum": "Somme des erreurs abs.",
  "forecast.importanceTitle": "Ce sur quoi le modèle s'appuie",
  "forecast.importanceHint": "Part de la réduction d'erreur (gain) apportée par les coupures de chaque variable.",
  "forecast.downloads": "Téléchargements",
  "forecast.download.predictions": "Prévisions de validation (CSV)",
  "forecast.download.test": "Prévision de test.csv (CSV)",
  "forecast.download.model": "Modèle (JSON)",
  "forecast.testRows": "test.csv : {rows} jours prévus.",
  "forecast.noTest": "Chargez test.csv (avec les variables connues à l'avance) pour prévoir aussi ses jours.",
  "error.forecastTitle": "Impossible d'entraîner le modèle",
  "stage.forecast.train": "Entraînement du modèle de prévision : arbre {done} sur {total}",
  "stage.forecast.compare": "Entraînement du modèle de comparaison (avec Customers) : arbre {done} sur {total}",
  "stage.forecast.value": "erreur de validation {value}",
  "forecast.source": "Modèle",
  "forecast.source.train": "Entraîner un modèle sur ces fichiers",
  "forecast.source.file": "Évaluer avec {file}",
  "forecast.source.remove": "Retirer",
  "forecast.source.load": "Charger un fichier de modèle…",
  "forecast.source.hint":
    'Un modèle enregistré par cette page (téléchargement Modèle ou XGBoost) ou par XGBoost (Booster.save_model("model.json"), régression, seuils numériques) lit les variables de la prévision par leur nom. Rien n\'est entraîné : le modèle prévoit les jours réservés et test.csv.',
  "forecast.score": "Évaluer avec le fichier de modèle",
  "forecast.target": "Ce que les arbres ajustent",
  "forecast.target.log1p": "log(1 + ventes) : erreurs relatives (recommandé)",
  "forecast.target.identity": "Les ventes telles quelles",
  "forecast.earlyStoppingDays": "Arrêt précoce sur les derniers jours d'entraînement",
  "forecast.leaves": "Feuilles par arbre",
  "forecast.minChildWeight": "Jours au moins par feuille",
  "forecast.refitField": "Après l'arrêt précoce, réentraîner sur tous les jours d'entraînement",
  "forecast.lossesTitle": "Là où le modèle fait moins bien que la référence",
  "forecast.lossesHint":
    "Jours et magasins dont l'erreur absolue moyenne est plus forte avec le modèle qu'avec la référence.",
  "forecast.loses":
    "Le modèle fait moins bien que la référence sur ces fichiers : son erreur absolue moyenne est supérieure de {share}. Retenez les chiffres de la référence, ou regardez ci-dessous les jours et magasins où le modèle se trompe.",
  "forecast.beats":
    "Le modèle fait mieux que la référence dans l'ensemble : son erreur absolue moyenne est inférieure de {share}.",
  "forecast.losesOn":
    "Il fait pourtant moins bien sur {stores} magasins sur {allStores} ({share} de son erreur totale) et sur {days} jours sur {allDays}.",
  "forecast.losesRmspe":
    "Son RMSPE est cependant plus élevé que celui de la référence : sur les petits magasins ou les jours inhabituels, ses erreurs sont proportionnellement plus fortes.",
  "forecast.daysTitle": "Jour par jour",
  "forecast.worstStoresTitle": "Magasins où il fait le moins bien",
  "forecast.worseStore": "Magasin {store} : modèle {mae}, référence {baseline}",
  "forecast.noWorseStore": "Aucun : le modèle fait mieux que la référence dans chaque magasin.",
  "forecast.col.date": "Jour",
  "forecast.col.stores": "Magasins ouverts",
  "forecast.holdoutTitle": "Comment le modèle est jugé",
  "forecast.holdoutValid":
    "Réservés : du {from} au {to} ({days} jours), les derniers jours de train.csv. {valid} jours-magasins ouverts sont évalués : erreur absolue moyenne et somme sur tous, RMSPE sur les {rmspe} avec des ventes.",
  "forecast.holdoutExcluded":
    "Écartés : {closed} jours-magasins où le magasin était fermé (prévision 0, ventes 0) ; {zero} jours ouverts sans ventes comptent dans les erreurs absolues mais pas dans le RMSPE (pas d'erreur relative).",
  "forecast.holdoutTrain":
    "Entraîné sur {train} jours-magasins ouverts avec des ventes avant les jours réservés ; {excluded} fermés ou sans ventes sont écartés.",
  "forecast.holdoutBaseline":
    "Référence : la moyenne des ventes de chaque magasin pour ce jour de semaine et cet état de promotion sur ses jours d'entraînement ouverts (sa moyenne, puis celle de l'enseigne, à défaut).",
  "forecast.earlyStoppingRefit":
    "Nombre d'arbres trouvé par arrêt précoce : un premier modèle appris sur les {fit} jours-magasins avant le {from}, évalué après chaque arbre du {from} au {to} ({rows} jours-magasins) ; son erreur était la plus basse à {best} arbres ({tried} essayés, arrêt {rounds} arbres après le meilleur). Le modèle a ensuite été réentraîné sur tous les jours d'entraînement avec {best} arbres. Les arbres ajustent {target} des ventes.",
  "forecast.earlyStopping":
    "Nombre d'arbres trouvé par arrêt précoce : le modèle appris sur les {fit} jours-magasins avant le {from}, évalué après chaque arbre du {from} au {to} ({rows} jours-magasins) ; son erreur était la plus basse à {best} arbres ({tried} essayés). Les arbres ajustent {target} des ventes.",
  "forecast.fixedTrees": "{trees} arbres, comme demandé (sans arrêt précoce). Les arbres ajustent {target} des ventes.",
  "forecast.scoredWith":
    "Évalué avec le fichier de modèle {file} ({format}, {trees} arbres, qui prévoit {target} des ventes) ; rien n'a été entraîné.",
  "forecast.format.xgboost": "JSON d'XGBoost",
  "forecast.format.vitrine-gbdt": "JSON de cette page",
  "forecast.download.xgboost": "Modèle pour XGBoost (JSON)",
  "stage.forecast.stop": "Recherche du nombre d'arbres (arrêt précoce) : arbre {done}, {total} au plus",
  "stage.forecast.compareStop": "Modèle de comparaison (avec Customers), arrêt précoce : arbre {done}, {total} au plus",
};
