# How much of a masked road's level bias (its training mean minus the kernel level of its neighbours) the level
# features can predict: per-feature correlation and fold-CV LAD on the observed Los-loop roads (issue 8).
from h import *
import csv
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 and sys.argv[1] else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]
lvl=Xtr.mean(0); lvlte=Xte.mean(0)
K=4; W=0.5*SIG
ll={}
for r in csv.DictReader(open('/work/shared/datasets/los-loop/sensors.csv')): ll[r['sensor_id']]=(float(r['latitude']),float(r['longitude']))
LL=np.array([ll[i] for i in ids]); 
def hav(a,b):
    la1,lo1=np.radians(LL[a].T); la2,lo2=np.radians(LL[b].T)
    h=np.sin((la2-la1)/2)**2+np.cos(la1)*np.cos(la2)*np.sin((lo2-lo1)/2)**2
    return 2*6371000*np.arcsin(np.sqrt(h))
def static(t,cand,lv):
    nb,d,up=neighbours(t,cand,8); g=np.exp(-(d[:K]/W)**2); om=g/g.sum() if g.sum()>1e-12 else np.ones(K)/K
    L=lv[nb]; B=L[:K]@om
    e=hav(np.full(len(nb),t),nb); det=d/np.maximum(e,1)
    dn=Dm[t,cand]; upd=Dm[cand,t]
    idn=np.argmin(dn); iup=np.argmin(upd)
    f=dict(
      spread=np.std(L[:K]), med=np.median(L[:K])-B, mean8=L.mean()-B, netmed=np.median(lv[cand])-B,
      near=L[0]-B, d0=d[0]/SIG, fracup=up[:K].mean(), det0=np.log(det[0]), detm=np.log(det[:K]).mean(),
      down=(lv[cand[idn]]-B) if np.isfinite(dn[idn]) else 0, upn=(lv[cand[iup]]-B) if np.isfinite(upd[iup]) else 0,
      ddn=min(dn[idn],3*SIG)/SIG, dup=min(upd[iup],3*SIG)/SIG,
      dens=np.sum(np.minimum(dn,upd)<SIG), outdeg=np.sum(np.isfinite(dn)), indeg=np.sum(np.isfinite(upd)),
      Bl=B-np.median(lv[cand]),
    )
    return f,B
def table(ts,candf,lv):
    rows=[];Bs=[]
    for t in ts:
        f,B=static(t,candf(t),lv); rows.append(f); Bs.append(B)
    names=list(rows[0]); return names,np.array([[r[n] for n in names] for r in rows]),np.array(Bs)
names,Ftr,Btr=table(obs,lambda t: np.array([j for j in obs if fold[j]!=fold[t]]),lvl)
ytr=lvl[obs]-Btr
print('masked level bias MAE (kNN level)',np.mean(np.abs(ytr)))
def lad(A,y,lam,its=20):
    n=len(y); b=np.linalg.solve(A.T@A/n+lam*np.eye(A.shape[1]),A.T@y/n)
    for _ in range(its):
        w=1/np.maximum(np.abs(y-A@b),0.1); Aw=A*w[:,None]; b=np.linalg.solve(Aw.T@A/w.sum()+lam*np.eye(A.shape[1]),Aw.T@y/w.sum())
    return b
fo=np.array([fold[t] for t in obs])
mu=Ftr.mean(0); sd=Ftr.std(0)+1e-9
Z=(Ftr-mu)/sd
for n,c in zip(names,Z.T): print(n, 'corr',round(np.corrcoef(c,ytr)[0,1],3))
def cv(cols,lam):
    e=[]
    for k in range(nf):
        tr=fo!=k; A=np.c_[Z[tr][:,cols],np.ones(tr.sum())]; b=lad(A,ytr[tr],lam)
        At=np.c_[Z[~tr][:,cols],np.ones((~tr).sum())]; e.append(np.abs(ytr[~tr]-At@b))
    return np.mean(np.concatenate(e))
allc=list(range(len(names)))
for lam in [0.01,0.1,1,10]: print('all',lam,round(cv(allc,lam),3))
for i,n in enumerate(names): print(n, round(cv([i],0.1),3))
# test (only looked at)
names2,Fte,Bte=table(hid,lambda t: obs,lvl)  # uses train levels of observed
yte=lvlte[hid]-np.array([static(t,obs,lvlte)[1] for t in hid])
Zt=(Fte-mu)/sd
for lam in [0.1,1,10]:
    b=lad(np.c_[Z,np.ones(len(Z))],ytr,lam); print('test bias MAE knn',round(np.mean(np.abs(yte)),3),'model',lam,round(np.mean(np.abs(yte-np.c_[Zt,np.ones(len(Zt))]@b)),3))
